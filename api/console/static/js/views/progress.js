// A trainee's progress: GET /v1/trainees/{id}/progress. Charts are inline SVG (no library), each
// with the same numbers in a table for screen readers.
import { get } from '../api.js';
import { badge, errorBox, formatDay, h, pageHeader, replace } from '../dom.js';
import { navigate } from '../router.js';
import { RATING_TEXT } from './evaluation.js';
import { teamTrainees } from './teams.js';

const SVG = 'http://www.w3.org/2000/svg';
const SERIES = [['first_score', 'First', 'first'], ['best_score', 'Best', 'best'], ['latest_score', 'Latest', 'latest']];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const round = (v) => (typeof v === 'number' ? Math.round(v) : '—');

// First, best and latest score per scenario: three bars a row, on a 0–100 axis.
export function scoresChart(scenarios) {
  const rowH = 54;
  const width = 600;
  const left = 170;
  const height = scenarios.length * rowH + 30;
  const x = (v) => left + (v / 100) * (width - left - 40);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'First, best and latest score per scenario', class: 'chart scores-chart' });
  for (const tick of [0, 25, 50, 75, 100]) {
    svg.append(s('line', { x1: x(tick), x2: x(tick), y1: 0, y2: height - 20, class: 'grid' }),
      s('text', { x: x(tick), y: height - 5, 'text-anchor': 'middle', class: 'axis' }, tick));
  }
  scenarios.forEach((sc, i) => {
    const y = i * rowH + 6;
    const title = sc.title.length > 26 ? `${sc.title.slice(0, 25)}…` : sc.title;
    svg.append(s('text', { x: 0, y: y + 20, class: 'label' }, s('title', {}, sc.title), title),
      s('text', { x: 0, y: y + 36, class: 'axis' }, `${sc.evaluated} of ${sc.attempts} evaluated`));
    SERIES.forEach(([key, label, cls], j) => {
      const v = sc[key];
      if (typeof v !== 'number') return;
      svg.append(s('rect', { x: x(0), y: y + j * 14, width: Math.max(1, x(v) - x(0)), height: 12, class: `bar bar-${cls}`, rx: 2 }, s('title', {}, `${label}: ${Math.round(v)}`)),
        s('text', { x: x(v) + 4, y: y + j * 14 + 10, class: 'value' }, Math.round(v)));
    });
  });
  return svg;
}

const SKILLS = [
  ['open_question_share', 'Open questions (share of questions)', (v) => `${Math.round(v * 100)}%`],
  ['reflection_to_question_ratio', 'Reflections per question', (v) => v.toFixed(2)],
  ['complex_reflections', 'Complex reflections', (v) => String(v)],
  ['advice_without_permission', 'Advice without permission', (v) => String(v)],
  ['talk_share', 'Your share of the talking', (v) => `${Math.round(v * 100)}%`],
];

function sparkline(values, label) {
  const w = 160;
  const hgt = 40;
  const max = Math.max(...values);
  const min = Math.min(...values, 0);
  const px = (i) => (values.length === 1 ? w / 2 : (i / (values.length - 1)) * (w - 8) + 4);
  const py = (v) => (max === min ? hgt / 2 : hgt - 4 - ((v - min) / (max - min)) * (hgt - 8));
  return s('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'spark', role: 'img', 'aria-label': label },
    s('polyline', { points: values.map((v, i) => `${px(i)},${py(v)}`).join(' '), class: 'spark-line' }),
    ...values.map((v, i) => s('circle', { cx: px(i), cy: py(v), r: 2.5, class: 'spark-dot' })));
}

// Skills trend: one sparkline per metric over the trainee's evaluated sessions, oldest first.
function skillsTrend(points) {
  return h('ul', { class: 'cards skills' }, SKILLS.map(([key, label, fmt]) => {
    const values = points.map((p) => p[key]).filter((v) => typeof v === 'number');
    if (values.length === 0) return null;
    return h('li', { class: 'card' }, h('strong', {}, label), sparkline(values, `${label}: ${values.map(fmt).join(', ')}`),
      h('p', { class: 'muted small' }, values.length === 1 ? `${fmt(values[0])} (one session)` : `first ${fmt(values[0])} · latest ${fmt(values[values.length - 1])} · ${values.length} sessions`));
  }));
}

function scoresTable(scenarios) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'visually-hidden' }, 'Scores per scenario'),
    h('thead', {}, h('tr', {}, ['Scenario', 'Attempts', 'Evaluated', 'First', 'Best', 'Latest', 'Passed'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, scenarios.map((sc) => h('tr', {}, h('th', { scope: 'row' }, sc.title), h('td', { class: 'num' }, sc.attempts), h('td', { class: 'num' }, sc.evaluated),
      SERIES.map(([key]) => h('td', { class: 'num' }, round(sc[key]))),
      h('td', {}, sc.passed ? badge(sc.latest_passed === false ? 'passed before' : 'passed', 'good') : sc.evaluated ? badge('not yet', 'neutral') : '—'))))));
}

const RATING_KIND = { met: 'good', partly: 'warn', not_met: 'bad' };

function criteriaTable(criteria) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'visually-hidden' }, 'Ratings per criterion, oldest first'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Criterion'), h('th', { scope: 'col' }, 'Ratings, oldest first'))),
    h('tbody', {}, criteria.map((c) => h('tr', {}, h('th', { scope: 'row' }, c.title),
      h('td', {}, h('span', { class: 'row' }, c.points.map((p) => h('a', { href: `#/sessions/${p.session_id}/evaluation`, title: formatDay(p.at) }, badge(RATING_TEXT[p.rating] || p.rating, RATING_KIND[p.rating]))))))))));
}

export async function progressView({ main, params, signal, user }) {
  const trainee = params.trainee || (user.role === 'trainee' ? user.id : null);
  let picker = null;
  if (user.role !== 'trainee') {
    const known = await teamTrainees(user, signal);
    picker = h('form', { class: 'row', onsubmit: (e) => {
      e.preventDefault();
      const v = String(new FormData(e.currentTarget).get('trainee')).trim();
      if (v) navigate(`#/trainees/${encodeURIComponent(v)}/progress`);
    } }, h('label', { for: 'progress-trainee' }, 'Trainee'),
    h('input', { id: 'progress-trainee', name: 'trainee', value: trainee || '', list: known.length ? 'progress-trainees' : null, autocomplete: 'off' }),
    known.length ? h('datalist', { id: 'progress-trainees' }, known.map((t) => h('option', { value: t }))) : null,
    h('button', { type: 'submit' }, 'Show'));
  }
  if (!trainee) { replace(main, pageHeader('Progress'), picker, h('p', { class: 'muted' }, 'Choose a trainee of your teams.')); return; }
  let content;
  try {
    const p = await get(`/v1/trainees/${encodeURIComponent(trainee)}/progress`, { signal });
    const evaluated = p.scenarios.filter((sc) => sc.evaluated > 0);
    content = [
      h('section', { 'aria-labelledby': 'pg-scores' }, h('h2', { id: 'pg-scores' }, 'Scores per scenario'),
        evaluated.length ? [
          h('p', { class: 'legend' }, SERIES.map(([, label, cls]) => h('span', {}, h('span', { class: `swatch bar-${cls}` }), label))),
          scoresChart(evaluated), h('details', {}, h('summary', {}, 'As a table'), scoresTable(p.scenarios))]
          : h('p', { class: 'muted' }, p.scenarios.length ? 'No evaluated attempts yet.' : 'No attempts yet.')),
      h('section', { 'aria-labelledby': 'pg-skills' }, h('h2', { id: 'pg-skills' }, 'Skills over time'),
        p.skills.length ? skillsTrend(p.skills) : h('p', { class: 'muted' }, 'No skill data yet.')),
      p.criteria.length ? h('section', { 'aria-labelledby': 'pg-criteria' }, h('h2', { id: 'pg-criteria' }, 'Criteria over time'), criteriaTable(p.criteria)) : null,
    ];
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    content = err.status === 404 ? h('p', {}, `No trainee ${trainee} in your teams.`) : errorBox(err);
  }
  replace(main, pageHeader(user.role === 'trainee' || trainee === user.id ? 'My progress' : `Progress of ${trainee}`), picker, content);
}
