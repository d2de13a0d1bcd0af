import { get } from '../api.js';
import { badge, errorBox, formatDate, h, pageHeader, replace } from '../dom.js';

export const PHASE_LABEL = {
  starting: 'starting', waiting_for_agent: 'waiting for the client', in_conversation: 'in conversation',
  finalizing: 'finishing', evaluating: 'being evaluated', awaiting_review: 'awaiting review',
  completed: 'completed', abandoned: 'ended without evaluation', failed: 'failed',
};

export function phaseBadge(phase) {
  const kind = { completed: 'good', abandoned: 'neutral', failed: 'bad', awaiting_review: 'warn' }[phase] || 'live';
  return badge(PHASE_LABEL[phase] || phase, kind);
}

function row(s, showTrainee) {
  return h('tr', {},
    h('td', {}, h('a', { href: `#/sessions/${s.session_id}` }, s.scenario.title), h('span', { class: 'muted small' }, ` version ${s.scenario_version}`)),
    showTrainee ? h('td', {}, s.user_id) : null,
    h('td', {}, formatDate(s.created_at)),
    h('td', {}, phaseBadge(s.phase),
      s.late ? [' ', badge('late', 'warn')] : null,
      s.review_status ? [' ', showTrainee && s.review_status !== 'done'
        ? h('a', { href: `#/reviews/${s.session_id}` }, `review ${s.review_status}`)
        : badge(`review ${s.review_status}`, s.review_status === 'done' ? 'good' : 'neutral')] : null,
      s.shared_at ? [' ', badge('shared', 'neutral')] : null),
    h('td', { class: 'num' }, s.turn_count),
    h('td', {}, s.evaluation_status === 'ready'
      ? h('a', { href: `#/sessions/${s.session_id}/evaluation` }, 'Evaluation')
      : s.evaluation_status === 'pending' ? 'pending' : 'none'));
}

export async function sessionsView({ main, signal, user }) {
  const showTrainee = user.role !== 'trainee';
  const body = h('tbody');
  const more = h('div');
  const table = h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'visually-hidden' }, 'Sessions, newest first'),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Scenario'), showTrainee ? h('th', { scope: 'col' }, 'Trainee') : null,
      h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'State'),
      h('th', { scope: 'col' }, 'Turns'), h('th', { scope: 'col' }, 'Evaluation'))),
    body));
  const load = async (cursor) => {
    const page = await get(`/v1/sessions?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { signal });
    body.append(...page.items.map((s) => row(s, showTrainee)));
    replace(more, page.next_cursor ? h('button', {
      type: 'button',
      onclick: () => load(page.next_cursor).catch((err) => replace(more, errorBox(err))),
    }, 'Show older sessions') : null);
    return page;
  };
  const first = await load(null);
  replace(main,
    pageHeader(user.role === 'trainee' ? 'My sessions' : 'Sessions'),
    first.items.length === 0
      ? h('p', {}, 'No sessions yet. ', user.role === 'trainee' ? h('a', { href: '#/library' }, 'Start one from the library.') : null)
      : [table, more]);
}
