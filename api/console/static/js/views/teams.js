// Admin: teams and membership through /v1/teams.
import { get, post } from '../api.js';
import { errorBox, h, isMissingEndpoint, notice, pageHeader, replace, unavailable } from '../dom.js';

function memberForm(team, reload) {
  const status = h('div');
  const idUser = `tm-user-${team.id}`;
  const idRole = `tm-role-${team.id}`;
  const form = h('form', { class: 'row wrap' },
    h('label', { for: idUser }, 'User id'), h('input', { id: idUser, name: 'user_id', required: true }),
    h('label', { for: idRole }, 'as'), h('select', { id: idRole, name: 'role' }, h('option', { value: 'trainee' }, 'trainee'), h('option', { value: 'supervisor' }, 'supervisor')),
    h('button', { type: 'submit' }, 'Add member'), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    try {
      await post(`/v1/teams/${encodeURIComponent(team.id)}/members`, { user_id: String(data.get('user_id')).trim(), role: data.get('role') });
      await reload();
    } catch (err) { replace(status, errorBox(err, 'Not added.')); }
  });
  return form;
}

export async function teamsView({ main, signal, user }) {
  const list = h('div');
  const reload = async () => {
    const teams = await get('/v1/teams', { signal });
    const items = Array.isArray(teams) ? teams : teams.items || [];
    replace(list, items.length === 0 ? h('p', { class: 'muted' }, 'No teams yet.') : h('ul', { class: 'cards' }, items.map((t) => h('li', { class: 'card stack' },
      h('h3', {}, t.name),
      h('p', {}, (t.members || []).map((m) => (typeof m === 'string' ? m : `${m.user_id || m.id} (${m.role})`)).join(', ') || 'No members.'),
      user.role === 'admin' ? memberForm(t, reload) : null))));
  };
  try {
    await reload();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    replace(main, pageHeader('Teams'), isMissingEndpoint(err) ? unavailable('Team management') : errorBox(err));
    return;
  }
  const status = h('div');
  const form = h('form', { class: 'card stack' }, h('label', { for: 'team-name' }, 'New team name'), h('input', { id: 'team-name', name: 'name', required: true }), status,
    h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Create team')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const name = String(new FormData(form).get('name')).trim();
      await post('/v1/teams', { name });
      form.reset();
      replace(status, notice(`Team ${name} created.`, 'success'));
      await reload();
    } catch (err) { replace(status, errorBox(err, 'Not created.')); }
  });
  replace(main, pageHeader('Teams'), user.role === 'admin' ? form : null, list);
}
