// A trainee's progress: GET /v1/trainees/{id}/progress. Charts are inline SVG (no library), each
// with the same numbers as a table beside it for screen readers.
import { get } from '../api.js';
import { errorBox, h, isMissingEndpoint, pageHeader, replace, unavailable } from '../dom.js';
import { navigate } from '../router.js';

const SVG = 'http://www.w3.org/2000/svg';
const SERIES = [['first', 'First'], ['best', 'Best'], ['latest', 'Latest']];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const scoreOf = (x) => (typeof x === 'number' ? x : x?.overall_score ?? x?.score ?? null);

export function scoresChart(scenarios) {
  const rowH = 54;
  const width = 600;
  const left = 150;
  const height = scenarios.length * rowH + 30;
  const x = (v) => left + (v / 100) * (width - left - 40);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'First, best and latest score per scenario', class: 'chart' });
  for (const tick of [0, 50, 100]) {
    svg.append(s('line', { x1: x(tick), x2: x(tick), y1: 0, y2: height - 20, class: 'grid' }),
      s('text', { x: x(tick), y: height - 5, 'text-anchor': 'middle', class: 'axis' }, tick));
  }
  scenarios.forEach((sc, i) => {
    const y = i * rowH + 6;
    svg.append(s('text', { x: 0, y: y + 26, class: 'label' }, (sc.title || sc.slug || '').slice(0, 22)));
    SERIES.forEach(([key], j) => {
      const v = scoreOf(sc[key]);
      if (v === null) return;
      svg.append(s('rect', { x: x(0), y: y + j * 14, width: Math.max(1, x(v) - x(0)), height: 12, class: `bar bar-${key}`, rx: 2 }),
        s('text', { x: x(v) + 4, y: y + j * 14 + 10, class: 'value' }, Math.round(v)));
    });
    if (typeof sc.pass_mark === 'number') svg.append(s('line', { x1: x(sc.pass_mark), x2: x(sc.pass_mark), y1: y - 2, y2: y + 42, class: 'passmark' }));
  });
  return svg;
}

function sparkline(values) {
  const w = 160;
  const hgt = 36;
  const max = Math.max(...values, 1e-9);
  const min = Math.min(...values, 0);
  const pts = values.map((v, i) => `${values.length === 1 ? w / 2 : (i / (values.length - 1)) * (w - 8) + 4},${hgt - 4 - ((v - min) / (max - min || 1)) * (hgt - 8)}`);
  return s('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'spark', 'aria-hidden': 'true' },
    s('polyline', { points: pts.join(' '), fill: 'none', class: 'spark-line' }));
}

function skillsTrend(points) {
  const keys = [...new Set(points.flatMap((p) => Object.entries(p.metrics || p).filter(([, v]) => typeof v === 'number').map(([k]) => k)))].slice(0, 8);
  return h('ul', { class: 'cards skills' }, keys.map((k) => {
    const values = points.map((p) => (p.metrics || p)[k]).filter((v) => typeof v === 'number');
    const fmt = (v) => (Number.isInteger(v) ? v : v.toFixed(2));
    return h('li', { class: 'card' }, h('div', { class: 'row' }, h('strong', {}, k.replaceAll('_', ' '))), sparkline(values),
      h('p', { class: 'muted small' }, `first ${fmt(values[0])} · latest ${fmt(values[values.length - 1])}`));
  }));
}

function scoresTable(scenarios) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Scenario', 'Attempts', 'First', 'Best', 'Latest'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, scenarios.map((sc) => h('tr', {}, h('td', {}, sc.title || sc.slug), h('td', { class: 'num' }, sc.attempts ?? '—'),
      SERIES.map(([key]) => h('td', { class: 'num' }, scoreOf(sc[key]) === null ? '—' : Math.round(scoreOf(sc[key])))))))));
}

export async function progressView({ main, params, signal, user }) {
  const trainee = params.trainee || (user.role === 'trainee' ? user.id : null);
  const picker = user.role === 'trainee' ? null : h('form', { class: 'row', onsubmit: (e) => {
    e.preventDefault();
    const v = new FormData(e.currentTarget).get('trainee').trim();
    if (v) navigate(`#/trainees/${encodeURIComponent(v)}/progress`);
  } }, h('label', { for: 'progress-trainee' }, 'Trainee'), h('input', { id: 'progress-trainee', name: 'trainee', value: trainee || '' }), h('button', { type: 'submit' }, 'Show'));
  if (!trainee) { replace(main, pageHeader('Progress'), picker, h('p', { class: 'muted' }, 'Enter a trainee’s user id.')); return; }
  let content;
  try {
    const p = await get(`/v1/trainees/${encodeURIComponent(trainee)}/progress`, { signal });
    const scenarios = p.scenarios || p.per_scenario || [];
    const skills = p.skills || p.skill_trend || p.skills_trend || [];
    content = [
      h('section', { 'aria-labelledby': 'pg-scores' }, h('h2', { id: 'pg-scores' }, 'Scores per scenario'),
        scenarios.length ? [h('p', { class: 'legend' }, SERIES.map(([key, label]) => h('span', {}, h('span', { class: `swatch bar-${key}` }), label))), scoresChart(scenarios), h('details', {}, h('summary', {}, 'As a table'), scoresTable(scenarios))]
          : h('p', { class: 'muted' }, 'No evaluated attempts yet.')),
      h('section', { 'aria-labelledby': 'pg-skills' }, h('h2', { id: 'pg-skills' }, 'Skills over time'),
        skills.length ? skillsTrend(skills) : h('p', { class: 'muted' }, 'No skill data yet.')),
    ];
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    content = isMissingEndpoint(err) ? unavailable('Progress') : errorBox(err);
  }
  replace(main, pageHeader(user.role === 'trainee' ? 'My progress' : `Progress of ${trainee}`), picker, content);
}
