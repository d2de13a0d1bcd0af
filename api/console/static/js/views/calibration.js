// Per-scenario calibration. A supervisor labels an evaluated attempt in their own reading (pass or
// not, a score, every criterion; PUT /v1/sessions/{id}/calibration-label), and a scenario's page
// shows how far the evaluator, re-run with that version (a draft too), agrees with the labels:
// GET /v1/scenarios/{id}/calibration, the figures of `voicetrain calibrate`.
import { api, get } from '../api.js';
import { announce, badge, errorBox, h, notFound, notice, pageHeader, replace } from '../dom.js';
import { RATING_TEXT, ratingBadge } from './evaluation.js';

const enc = encodeURIComponent;
const pct = (rate) => (typeof rate === 'number' ? `${Math.round(rate * 100)}%` : '—');
const RATINGS = ['met', 'partly', 'not_met'];

// The label form under an evaluation (staff only). Nothing is pre-filled from the AI's ratings:
// a label is the supervisor's own reading, not an edit of the AI's.
export async function labelSection(sessionId, ev, signal) {
  let label = null;
  try {
    label = await get(`/v1/sessions/${enc(sessionId)}/calibration-label`, { signal });
  } catch (err) {
    if (err.status !== 404) throw err;
  }
  const status = h('div');
  const passName = 'cal-passed';
  const form = h('form', { class: 'stack', novalidate: true },
    h('fieldset', { class: 'stack' }, h('legend', {}, 'Would this attempt pass?'),
      [['true', 'Pass'], ['false', 'Not pass']].map(([v, text]) => h('div', { class: 'check' },
        h('input', { type: 'radio', id: `${passName}-${v}`, name: passName, value: v, required: true, checked: label ? String(label.passed) === v : false }),
        h('label', { for: `${passName}-${v}` }, text)))),
    h('div', { class: 'stack' }, h('label', { for: 'cal-score' }, 'Your score (0–100, optional)'),
      h('input', { id: 'cal-score', name: 'score', type: 'number', min: 0, max: 100, step: 1, value: label?.score ?? '' })),
    h('fieldset', { class: 'stack' }, h('legend', {}, 'Each criterion, in your reading'),
      ev.criteria.map((c, i) => h('div', { class: 'stack' }, h('label', { for: `cal-c-${i}` }, c.title),
        h('select', { id: `cal-c-${i}`, name: `criterion:${c.id}`, required: true },
          h('option', { value: '', selected: !label?.criteria?.[c.id] }, 'Choose…'),
          RATINGS.map((r) => h('option', { value: r, selected: label?.criteria?.[c.id] === r }, RATING_TEXT[r])))))),
    status,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, label ? 'Update label' : 'Save label'),
      h('a', { href: `#/scenarios/${enc(ev.scenario.id)}/calibration` }, 'See this scenario’s calibration')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const criteria = {};
    for (const c of ev.criteria) criteria[c.id] = data.get(`criterion:${c.id}`) || '';
    const unrated = ev.criteria.filter((c) => !criteria[c.id]).map((c) => c.title);
    if (!data.get(passName) || unrated.length) {
      replace(status, notice(`Choose pass or not pass and rate every criterion${unrated.length ? ` (still to rate: ${unrated.join(', ')})` : ''}.`, 'error'));
      return;
    }
    const score = String(data.get('score') || '').trim();
    const body = { passed: data.get(passName) === 'true', score: score === '' ? null : Number(score), criteria };
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      await api('PUT', `/v1/sessions/${enc(sessionId)}/calibration-label`, { body });
      replace(status, notice('Label saved: it counts in this scenario’s calibration.', 'success'));
      announce('Label saved.');
    } catch (err) {
      replace(status, errorBox(err, 'The label was not saved.'));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card stack', 'aria-labelledby': 'cal-h' },
    h('h2', { id: 'cal-h' }, 'Label for calibration'),
    h('p', { class: 'muted' }, 'Rate this attempt as you read it. Your labels show how far the evaluator agrees with you on this scenario, version by version.'),
    form);
}

function figure(title, value, note) {
  return h('div', { class: 'card stack' }, h('h3', {}, title), h('div', { class: 'figure' }, value), note ? h('p', { class: 'muted small' }, note) : null);
}

export async function calibrationView({ main, params, signal }) {
  let scenario;
  try {
    scenario = await get(`/v1/scenarios/${enc(params.id)}`, { signal });
  } catch (err) {
    if (err.status === 404 || err.status === 422) { replace(main, notFound('scenario')); return; }
    throw err;
  }
  const versions = await get(`/v1/scenarios/${enc(params.id)}/versions`, { signal }).catch(() => []);
  const body = h('div', { class: 'stack' }, h('div', { class: 'notice notice-info pending', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Re-scoring the labelled attempts with this version…'));
  const picker = versions.length > 1 ? h('nav', { 'aria-label': 'Versions' }, h('p', {}, 'Calibrate version: ',
    versions.map((v, i) => [i ? ' · ' : '', v.id === scenario.id ? h('strong', { 'aria-current': 'page' }, `${v.version} (${v.status})`)
      : h('a', { href: `#/scenarios/${enc(v.id)}/calibration` }, `${v.version} (${v.status})`)]))) : null;
  replace(main,
    pageHeader(`Calibration: ${scenario.title}`, h('p', { class: 'muted' }, `Version ${scenario.version} · `, badge(scenario.status, 'neutral'),
      scenario.built_in ? ' · built-in' : [' · ', h('a', { href: `#/scenarios/${enc(scenario.id)}` }, 'Edit this scenario')])),
    h('p', { class: 'muted' }, 'The evaluator is run again, with this version, on every attempt of this scenario that you or your colleagues labelled and that you can see. Label an attempt from its evaluation page.'),
    picker, body);
  let report;
  try {
    report = await get(`/v1/scenarios/${enc(scenario.id)}/calibration`, { signal });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    replace(body, errorBox(err, 'The calibration could not be computed.'));
    return;
  }
  const f = report.figures;
  if (f.attempts === 0) {
    replace(body, h('p', { class: 'muted' }, 'No labelled attempts yet. Open an attempt’s evaluation and label it: pass or not, and each criterion.'));
    return;
  }
  const titles = new Map(scenario.criteria.map((c) => [c.id, c.title]));
  const misses = Object.entries(report.criterion_misses || {});
  replace(body,
    h('div', { class: 'figures' },
      figure('Labelled attempts', f.attempts),
      figure('Pass/fail agreement', pct(f.pass_agreement)),
      figure('Criterion agreement', pct(f.criterion_agreement), `${f.criteria_rated} ratings · weighted κ ${f.criterion_kappa ?? '—'}`),
      figure('Ranking', pct(f.ranking), `${f.ranked_pairs} pair${f.ranked_pairs === 1 ? '' : 's'} at least 10 points apart`),
      figure('Mean score difference', f.mae ?? '—', 'points, over labels with a score')),
    h('p', { class: 'muted small' }, `Evaluator ${report.evaluator}. Experts agree with each other at a weighted κ of about 0.6 on such ratings.`),
    misses.length ? h('section', { 'aria-labelledby': 'cal-miss-h' }, h('h2', { id: 'cal-miss-h' }, 'Where the evaluator differs'),
      h('ul', {}, misses.map(([id, [over, under]]) => h('li', {}, `${titles.get(id) || id}: rated above your label ${over} time${over === 1 ? '' : 's'}, below it ${under} time${under === 1 ? '' : 's'}`)))) : null,
    h('section', { 'aria-labelledby': 'cal-att-h' }, h('h2', { id: 'cal-att-h' }, 'Attempts'),
      h('div', { class: 'table-wrap' }, h('table', {},
        h('caption', { class: 'visually-hidden' }, 'Labelled attempts, your label and the evaluator side by side'),
        h('thead', {}, h('tr', {}, ['Attempt', 'Played version', 'Your label', 'Evaluator', 'Criteria agreed', 'Differences'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, report.attempts.map((a, i) => {
          const differ = a.criteria.filter((c) => c.evaluator !== null && c.evaluator !== c.label);
          const rated = a.criteria.filter((c) => c.evaluator !== null).length;
          return h('tr', {},
            h('td', {}, h('a', { href: `#/sessions/${enc(a.session_id)}/evaluation` }, `Attempt ${i + 1}`)),
            h('td', { class: 'num' }, a.played_version),
            h('td', {}, a.label_passed ? badge('pass', 'good') : badge('not pass', 'bad'), a.label_score === null ? '' : ` ${Math.round(a.label_score)}`),
            h('td', {}, a.evaluator_passed ? badge('pass', 'good') : badge('not pass', 'bad'), ` ${Math.round(a.evaluator_score)}`),
            h('td', { class: 'num' }, `${rated - differ.length} of ${rated}`),
            h('td', {}, differ.length ? h('ul', { class: 'plain' }, differ.map((c) => h('li', {}, `${titles.get(c.id) || c.id}: you `, ratingBadge(c.label), ', evaluator ', ratingBadge(c.evaluator)))) : 'none'));
        }))))));
}
