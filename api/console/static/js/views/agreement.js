// AI-vs-supervisor agreement over reviewed sessions: GET /v1/evaluation-agreement?scenario=&since=.
import { get } from '../api.js';
import { errorBox, h, pageHeader, replace } from '../dom.js';
import { navigate, queryParams } from '../router.js';

const pct = (rate) => (typeof rate === 'number' ? `${Math.round(rate * 100)}%` : '—');

function meter(rate) {
  return h('div', { class: 'meter', 'aria-hidden': 'true' }, h('span', { style: null, 'data-rate': rate ?? 0 }));
}

function figure(label, f) {
  return h('div', { class: 'card stack' }, h('h3', {}, label), h('div', { class: 'figure' }, pct(f.rate)),
    h('p', { class: 'muted small' }, `${f.agreed} of ${f.total} agreed`));
}

export async function agreementView({ main, signal }) {
  const params = queryParams();
  const scenario = params.get('scenario') || '';
  const since = params.get('since') || '';
  const scenarios = await get('/v1/scenarios', { signal });
  const filters = h('form', { class: 'filters card' },
    h('div', { class: 'stack' }, h('label', { for: 'ag-scenario' }, 'Scenario'),
      h('select', { id: 'ag-scenario', name: 'scenario' }, h('option', { value: '' }, 'All scenarios'),
        scenarios.map((s) => h('option', { value: s.slug, selected: s.slug === scenario }, s.title)))),
    h('div', { class: 'stack' }, h('label', { for: 'ag-since' }, 'Sessions since'), h('input', { id: 'ag-since', name: 'since', type: 'date', value: since })),
    h('div', {}, h('button', { type: 'submit' }, 'Show')));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(filters);
    const q = new URLSearchParams();
    if (data.get('scenario')) q.set('scenario', data.get('scenario'));
    if (data.get('since')) q.set('since', data.get('since'));
    navigate(`#/agreement${q.toString() ? `?${q}` : ''}`);
  });
  const query = new URLSearchParams();
  if (scenario) query.set('scenario', scenario);
  if (since) query.set('since', new Date(`${since}T00:00:00`).toISOString());
  let content;
  try {
    const a = await get(`/v1/evaluation-agreement${query.toString() ? `?${query}` : ''}`, { signal });
    content = a.reviewed_sessions === 0 ? h('p', { class: 'muted' }, 'No reviewed sessions yet: agreement is measured once supervisors review.') : [
      h('div', { class: 'figures' },
        h('div', { class: 'card stack' }, h('h3', {}, 'Reviewed sessions'), h('div', { class: 'figure' }, a.reviewed_sessions)),
        figure('Pass/fail agreement', a.pass_fail)),
      h('section', { 'aria-labelledby': 'ag-criteria' }, h('h2', { id: 'ag-criteria' }, 'Per criterion'),
        h('div', { class: 'table-wrap' }, h('table', {},
          h('caption', { class: 'visually-hidden' }, 'Agreement per criterion'),
          h('thead', {}, h('tr', {}, ['Criterion', 'Agreed', 'Reviewed', 'Agreement', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, a.criteria.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.title), h('td', { class: 'num' }, r.agreed), h('td', { class: 'num' }, r.total),
            h('td', { class: 'num' }, pct(r.rate)), h('td', {}, meter(r.rate)))))))),
    ];
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    content = errorBox(err);
  }
  replace(main, pageHeader('AI and supervisor agreement'),
    h('p', { class: 'muted' }, 'How often supervisors kept the AI’s rating of each criterion and its pass/fail, over the sessions they reviewed.'),
    filters, content);
  // Widths are set from script (the CSP allows no inline style attributes).
  for (const bar of main.querySelectorAll('.meter > span')) bar.style.width = `${Math.round(Number(bar.dataset.rate) * 100)}%`;
}
