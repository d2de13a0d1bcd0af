import { api, get } from '../api.js';
import { errorBox, formatDay, h, notice, pageHeader, replace } from '../dom.js';
import { assignmentStatus } from './library.js';

const NEWER_FIELDS = ['min_score', 'review_required'];

// Trainees of the supervisor's teams when the server has teams; otherwise a free user id.
async function teamTrainees(signal) {
  try {
    const teams = await get('/v1/teams', { signal });
    const list = Array.isArray(teams) ? teams : teams.items || [];
    const ids = new Set();
    for (const t of list) for (const m of t.members || t.trainees || []) {
      const id = typeof m === 'string' ? m : m.user_id || m.id;
      if (id && (typeof m === 'string' || !m.role || m.role === 'trainee')) ids.add(id);
    }
    return [...ids].sort();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return [];
  }
}

function dueAt(day) {
  // The end of the chosen day, in the supervisor's time zone, as an ISO instant.
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d, 23, 59, 0).toISOString();
}

async function create(body) {
  try {
    return { created: (await api('POST', '/v1/assignments', { body })).data, dropped: [] };
  } catch (err) {
    // A server that does not know the newer fields rejects them (422): assign without them and say so.
    const dropped = NEWER_FIELDS.filter((f) => f in body && err.status === 422 && err.message.includes(f));
    if (dropped.length === 0) throw err;
    const rest = { ...body };
    for (const f of dropped) delete rest[f];
    return { created: (await api('POST', '/v1/assignments', { body: rest })).data, dropped };
  }
}

export async function assignView({ main, signal }) {
  const [scenarios, trainees, existing] = await Promise.all([
    get('/v1/scenarios', { signal }), teamTrainees(signal), get('/v1/assignments', { signal }),
  ]);
  const status = h('div');
  const list = h('div');
  const titles = new Map(scenarios.map((s) => [s.slug, s.title]));
  const renderList = (items) => replace(list, items.length === 0 ? h('p', { class: 'muted' }, 'You have not assigned anything yet.')
    : h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Trainee', 'Scenario', 'Due', 'Attempts', 'Status'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((a) => h('tr', {},
        h('td', {}, h('a', { href: `#/trainees/${encodeURIComponent(a.trainee_id)}/progress` }, a.trainee_id)),
        h('td', {}, titles.get(a.scenario_slug) || a.scenario_slug), h('td', {}, formatDay(a.due_at)),
        h('td', { class: 'num' }, `${a.attempts_used} / ${a.max_attempts}`), h('td', {}, assignmentStatus(a))))))));
  let items = existing.items;
  renderList(items);

  const traineeInput = h('input', { id: 'assign-trainee', name: 'trainee_id', required: true, list: trainees.length ? 'team-trainees' : null, autocomplete: 'off' });
  const form = h('form', { class: 'card stack', novalidate: true },
    h('h2', {}, 'New assignment'),
    h('label', { for: 'assign-trainee' }, 'Trainee (user id)'), traineeInput,
    trainees.length ? h('datalist', { id: 'team-trainees' }, trainees.map((t) => h('option', { value: t }))) : null,
    h('label', { for: 'assign-scenario' }, 'Scenario'),
    h('select', { id: 'assign-scenario', name: 'scenario_id', required: true }, scenarios.map((s) => h('option', { value: s.id }, `${s.title} (${s.difficulty})`))),
    h('div', { class: 'grid2' },
      h('div', { class: 'stack' }, h('label', { for: 'assign-due' }, 'Due date (optional)'), h('input', { id: 'assign-due', name: 'due', type: 'date' })),
      h('div', { class: 'stack' }, h('label', { for: 'assign-attempts' }, 'Attempts allowed'), h('input', { id: 'assign-attempts', name: 'max_attempts', type: 'number', min: '1', max: '100', value: '3' })),
      h('div', { class: 'stack' }, h('label', { for: 'assign-min' }, 'Minimum score (optional)'), h('input', { id: 'assign-min', name: 'min_score', type: 'number', min: '0', max: '100' }))),
    h('div', { class: 'check' }, h('input', { id: 'assign-review', name: 'review_required', type: 'checkbox' }), h('label', { for: 'assign-review' }, 'A supervisor reviews every attempt')),
    status,
    h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Assign')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const trainee = String(data.get('trainee_id')).trim();
    if (!trainee) { replace(status, notice('Enter the trainee’s user id.', 'error')); traineeInput.focus(); return; }
    const body = { scenario_id: data.get('scenario_id'), trainee_id: trainee, max_attempts: Number(data.get('max_attempts') || 3) };
    const due = dueAt(String(data.get('due') || ''));
    if (due) body.due_at = due;
    if (data.get('min_score') !== '') body.min_score = Number(data.get('min_score'));
    if (data.get('review_required')) body.review_required = true;
    try {
      const { created, dropped } = await create(body);
      items = [created, ...items];
      renderList(items);
      form.reset();
      replace(status, notice(`Assigned to ${created.trainee_id}.`, 'success'),
        dropped.length ? notice(`This server does not support ${dropped.join(' and ').replaceAll('_', ' ')} yet, so the assignment was made without ${dropped.length > 1 ? 'them' : 'it'}.`, 'warning') : null);
    } catch (err) {
      replace(status, errorBox(err, 'Not assigned.'));
    }
  });
  replace(main, pageHeader('Assign a scenario'), form,
    h('section', { 'aria-labelledby': 'made-h' }, h('h2', { id: 'made-h' }, 'Assignments you made'), list));
}
