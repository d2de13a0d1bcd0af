import { get } from '../api.js';
import { badge, errorBox, formatDay, h, pageHeader, replace } from '../dom.js';
import { startPractice } from '../practice.js';
import { navigate } from '../router.js';

// The derived assignment status from the server when it sends one, else from today's fields.
export function assignmentStatus(a) {
  if (a.status) return a.status;
  if (a.attempts_used >= a.max_attempts) return 'attempts used';
  if (a.due_at && new Date(a.due_at) < new Date()) return 'overdue';
  return a.attempts_used > 0 ? 'in progress' : 'not started';
}

const STATUS_KIND = { overdue: 'warn', passed: 'good', completed: 'good', failed: 'bad', 'attempts used': 'neutral' };

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
  return h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'primary', onclick: run('text'), 'aria-label': `Practise ${label} by text` }, 'Practise by text'),
    config.livekit ? h('button', { type: 'button', onclick: run('voice'), 'aria-label': `Practise ${label} by voice` }, 'Practise by voice') : null);
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
  const st = assignmentStatus(a);
  return h('li', { class: 'card stack' },
    h('div', { class: 'row' }, h('h3', {}, title), badge(st, STATUS_KIND[st] || 'neutral')),
    h('p', { class: 'muted' },
      `Due ${formatDay(a.due_at)} · attempts ${a.attempts_used} of ${a.max_attempts}`,
      a.min_score != null ? ` · minimum score ${a.min_score}` : '',
      a.review_required ? ' · reviewed by your supervisor' : ''),
    status,
    a.attempts_used < a.max_attempts ? startButtons({ assignment_id: a.id }, title, config, status) : null);
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
