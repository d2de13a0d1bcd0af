import { api, get } from '../api.js';
import { badge, errorBox, formatDay, h, notice, pageHeader, replace } from '../dom.js';
import { STATUS_KIND, STATUS_TEXT } from './library.js';
import { teamTrainees } from './teams.js';

function dueAt(day) {
  // The end of the chosen day, in the supervisor's time zone, as an ISO instant.
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 0).toISOString();
}

function assignmentRow(a, titles) {
  return h('tr', {},
    h('td', {}, h('a', { href: `#/trainees/${encodeURIComponent(a.trainee_id)}/progress`, 'aria-label': `Progress of ${a.trainee_id}` }, a.trainee_id)),
    h('td', {}, titles.get(a.scenario_slug) || a.scenario_slug),
    h('td', {}, formatDay(a.due_at), a.late_policy === 'refuse' && a.due_at ? h('span', { class: 'muted small' }, ' (closes)') : null),
    h('td', { class: 'num' }, a.min_score != null ? Math.round(a.min_score) : 'pass mark'),
    h('td', {}, a.review_required ? 'yes' : 'no'),
    h('td', { class: 'num' }, `${a.attempts_used} / ${a.max_attempts}`),
    h('td', { class: 'num' }, a.best_score != null ? Math.round(a.best_score) : '—'),
    h('td', {}, badge(STATUS_TEXT[a.status] || a.status, STATUS_KIND[a.status] || 'neutral')));
}

export async function assignView({ main, signal, user }) {
  const [scenarios, trainees, existing] = await Promise.all([
    get('/v1/scenarios', { signal }), teamTrainees(user, signal), get('/v1/assignments', { signal }),
  ]);
  const status = h('div');
  const list = h('div');
  const titles = new Map(scenarios.map((s) => [s.slug, s.title]));
  const renderList = (items) => replace(list, items.length === 0 ? h('p', { class: 'muted' }, 'No assignments yet.')
    : h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, 'Assignments, newest first'),
      h('thead', {}, h('tr', {}, ['Trainee', 'Scenario', 'Due', 'Minimum score', 'Review', 'Attempts', 'Best', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((a) => assignmentRow(a, titles))))));
  let items = existing.items;
  renderList(items);

  const traineeInput = h('input', { id: 'assign-trainee', name: 'trainee_id', required: true, list: trainees.length ? 'team-trainees' : null, autocomplete: 'off' });
  const form = h('form', { class: 'card stack', novalidate: true },
    h('h2', {}, 'New assignment'),
    user.role === 'supervisor' && trainees.length === 0 ? notice('You lead no team with trainees yet: an admin adds you as the lead of a team and its trainees as members.', 'warning') : null,
    h('label', { for: 'assign-trainee' }, 'Trainee (user id)'), traineeInput,
    trainees.length ? h('datalist', { id: 'team-trainees' }, trainees.map((t) => h('option', { value: t }))) : null,
    trainees.length ? h('p', { class: 'muted small' }, `Your teams’ trainees: ${trainees.join(', ')}`) : null,
    h('label', { for: 'assign-scenario' }, 'Scenario'),
    h('select', { id: 'assign-scenario', name: 'scenario_id', required: true }, scenarios.map((s) => h('option', { value: s.id }, `${s.title} (${s.difficulty})`))),
    h('div', { class: 'grid2' },
      h('div', { class: 'stack' }, h('label', { for: 'assign-due' }, 'Due date (optional)'), h('input', { id: 'assign-due', name: 'due', type: 'date' })),
      h('div', { class: 'stack' }, h('label', { for: 'assign-attempts' }, 'Attempts allowed'), h('input', { id: 'assign-attempts', name: 'max_attempts', type: 'number', min: '1', max: '100', value: '3' })),
      h('div', { class: 'stack' }, h('label', { for: 'assign-min' }, 'Minimum score (optional)'), h('input', { id: 'assign-min', name: 'min_score', type: 'number', min: '0', max: '100' })),
      h('div', { class: 'stack' }, h('label', { for: 'assign-late' }, 'After the due date'),
        h('select', { id: 'assign-late', name: 'late_policy' }, h('option', { value: 'allow' }, 'Allow late attempts (marked late)'), h('option', { value: 'refuse' }, 'Refuse new attempts')))),
    h('div', { class: 'check' }, h('input', { id: 'assign-review', name: 'review_required', type: 'checkbox' }), h('label', { for: 'assign-review' }, 'A supervisor reviews every attempt')),
    status,
    h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Assign')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const trainee = String(data.get('trainee_id')).trim();
    if (!trainee) { replace(status, notice('Enter the trainee’s user id.', 'error')); traineeInput.focus(); return; }
    const body = {
      scenario_id: data.get('scenario_id'), trainee_id: trainee, max_attempts: Number(data.get('max_attempts') || 3),
      review_required: Boolean(data.get('review_required')), late_policy: data.get('late_policy'),
    };
    const due = dueAt(String(data.get('due') || ''));
    if (due) body.due_at = due;
    if (data.get('min_score') !== '') body.min_score = Number(data.get('min_score'));
    try {
      const created = (await api('POST', '/v1/assignments', { body })).data;
      items = [created, ...items];
      renderList(items);
      form.reset();
      replace(status, notice(`Assigned to ${created.trainee_id}.`, 'success'));
    } catch (err) {
      replace(status, errorBox(err, 'Not assigned.'));
    }
  });
  replace(main, pageHeader('Assign a scenario'), form,
    h('section', { 'aria-labelledby': 'made-h' }, h('h2', { id: 'made-h' }, user.role === 'admin' ? 'All assignments' : 'Your teams’ assignments'), list));
}
