// AI-vs-supervisor agreement per criterion: GET /v1/evaluation-agreement.
import { get } from '../api.js';
import { errorBox, h, isMissingEndpoint, pageHeader, replace, unavailable } from '../dom.js';

const pct = (v) => (typeof v === 'number' ? `${Math.round(v <= 1 ? v * 100 : v)}%` : '—');

export async function agreementView({ main, signal }) {
  let content;
  try {
    const a = await get('/v1/evaluation-agreement', { signal });
    const rows = a.criteria || a.items || [];
    content = [
      h('p', {}, `Reviewed sessions: ${a.reviewed_sessions ?? a.sessions ?? '—'} · overall agreement ${pct(a.overall_agreement ?? a.agreement)}`),
      rows.length === 0 ? h('p', { class: 'muted' }, 'No reviewed sessions yet.') : h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, ['Criterion', 'Reviews', 'Agreement', 'Overridden'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.map((r) => h('tr', {}, h('td', {}, r.title || r.criterion_id || r.id), h('td', { class: 'num' }, r.reviews ?? r.n ?? '—'),
          h('td', { class: 'num' }, pct(r.agreement)), h('td', { class: 'num' }, r.overridden ?? r.overrides ?? '—')))))),
    ];
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    content = isMissingEndpoint(err) ? unavailable('The agreement view') : errorBox(err);
  }
  replace(main, pageHeader('AI and supervisor agreement'), h('p', { class: 'muted' }, 'How often supervisors kept the AI’s rating of each criterion.'), content);
}
