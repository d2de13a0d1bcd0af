import { get } from '../api.js';
import { badge, errorBox, formatDay, h, pageHeader, replace } from '../dom.js';
import { startPractice } from '../practice.js';
import { navigate } from '../router.js';

// The assignment status the server derives (core.contracts.AssignmentStatus).
export const STATUS_TEXT = {
  not_started: 'not started', in_progress: 'in progress', passed: 'passed', failed: 'failed',
  overdue: 'overdue', awaiting_review: 'awaiting review',
};
export const STATUS_KIND = { overdue: 'warn', passed: 'good', failed: 'bad', awaiting_review: 'live', in_progress: 'live' };

function startButtons(target, label, config, status) {
  const run = (modality) => async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    replace(status);
    try {
      const started = await startPractice(target, modality);
      navigate(`#/sessions/${started.session_id}`);
    } catch (err) {
      button.disabled = false;
      replace(status, errorBox(err, 'The session could not start.'));
    }
  };
  // The scenario's name is in the button's text (hidden from sight, read by screen readers), not
  // in an aria-label: a speech user who says the visible words "Practise by text" must hit it.
  const name = (how) => ['Practise ', h('span', { class: 'visually-hidden' }, `${label} `), `by ${how}`];
  return h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'primary', onclick: run('text') }, ...name('text')),
    config.livekit ? h('button', { type: 'button', onclick: run('voice') }, ...name('voice')) : null);
}

function scenarioCard(s, config) {
  const status = h('div');
  return h('li', { class: 'card stack' },
    h('div', { class: 'row' }, h('h3', {}, s.title), badge(s.difficulty || 'unrated')),
    h('p', {}, s.summary),
    h('details', {}, h('summary', {}, 'Briefing'), h('p', { class: 'prewrap' }, s.briefing)),
    status,
    startButtons({ scenario_id: s.id }, s.title, config, status));
}

function assignmentRow(a, titles, config) {
  const status = h('div');
  const title = titles.get(a.scenario_slug) || a.scenario_slug;
  const closed = a.attempts_used >= a.max_attempts || a.status === 'passed'
    || (a.late_policy === 'refuse' && a.due_at && new Date(a.due_at) < new Date());
  return h('li', { class: 'card stack' },
    h('div', { class: 'row' }, h('h3', {}, title), badge(STATUS_TEXT[a.status] || a.status, STATUS_KIND[a.status] || 'neutral')),
    h('p', { class: 'muted' },
      `Due ${formatDay(a.due_at)} · attempts ${a.attempts_used} of ${a.max_attempts}`,
      a.min_score != null ? ` · minimum score ${Math.round(a.min_score)}` : '',
      a.best_score != null ? ` · best so far ${Math.round(a.best_score)}` : '',
      a.review_required ? ' · reviewed by your supervisor' : '',
      a.late_policy === 'refuse' && a.due_at ? ' · closes at the due date' : ''),
    status,
    closed ? null : startButtons({ assignment_id: a.id }, title, config, status));
}

export async function libraryView({ main, signal, config, user }) {
  const [scenarios, assignments] = await Promise.all([
    get('/v1/scenarios', { signal }),
    get('/v1/assignments', { signal }).catch((err) => err),
  ]);
  const titles = new Map(scenarios.map((s) => [s.slug, s.title]));
  const mine = assignments instanceof Error ? null : assignments.items.filter((a) => a.trainee_id === user.id);
  replace(main,
    pageHeader('Scenario library'),
    h('p', { class: 'muted' }, 'Practise a hard conversation with an AI client, then read what went well and what to try next.'),
    user.role === 'trainee' ? h('section', { 'aria-labelledby': 'assigned-h' },
      h('h2', { id: 'assigned-h' }, 'Assigned to you'),
      assignments instanceof Error ? errorBox(assignments, 'Your assignments could not be loaded.')
        : mine.length === 0 ? h('p', { class: 'muted' }, 'Nothing is assigned to you right now.')
          : h('ul', { class: 'cards' }, mine.map((a) => assignmentRow(a, titles, config)))) : null,
    h('section', { 'aria-labelledby': 'library-h' },
      h('h2', { id: 'library-h' }, 'Practice scenarios'),
      h('ul', { class: 'cards' }, scenarios.map((s) => scenarioCard(s, config)))));
}
