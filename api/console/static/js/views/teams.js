// Teams through /v1/teams: admins create teams and set who leads (supervisors) and who is a
// member (trainees); a supervisor sees the teams they belong to.
import { api, get, post } from '../api.js';
import { errorBox, h, notice, pageHeader, replace } from '../dom.js';

// The trainees the user can assign to and follow: members of the teams they lead (admin: all).
export async function teamTrainees(user, signal) {
  try {
    const { items } = await get('/v1/teams', { signal });
    const ids = new Set();
    for (const t of items) {
      const leads = user.role === 'admin' || t.members.some((m) => m.user_id === user.id && m.role === 'lead');
      if (leads) for (const m of t.members) if (m.role === 'member') ids.add(m.user_id);
    }
    return [...ids].sort();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    return [];
  }
}

const ROLE_TEXT = { lead: 'lead (supervisor)', member: 'member (trainee)' };
const memberPath = (team, userId) => `/v1/teams/${encodeURIComponent(team.id)}/members/${encodeURIComponent(userId)}`;

function memberList(team, admin, reload, status) {
  if (team.members.length === 0) return h('p', { class: 'muted' }, 'No members yet.');
  return h('ul', { class: 'members', 'aria-label': `Members of ${team.name}` }, team.members.map((m) => h('li', {},
    h('span', {}, m.name && m.name !== m.user_id ? `${m.name} (${m.user_id})` : m.user_id),
    h('span', { class: 'muted' }, ROLE_TEXT[m.role] || m.role),
    admin ? h('button', {
      type: 'button', class: 'link', 'aria-label': `Remove ${m.user_id} from ${team.name}`,
      onclick: async () => {
        try { await api('DELETE', memberPath(team, m.user_id)); await reload(); } catch (err) { replace(status, errorBox(err, 'Not removed.')); }
      },
    }, 'Remove') : null)));
}

function memberForm(team, reload, status) {
  const idUser = `tm-user-${team.id}`;
  const idRole = `tm-role-${team.id}`;
  const form = h('form', { class: 'row wrap', 'aria-label': `Add a member to ${team.name}` },
    h('label', { for: idUser }, 'User id'), h('input', { id: idUser, name: 'user_id', required: true, autocomplete: 'off' }),
    h('label', { for: idRole }, 'Role'), h('select', { id: idRole, name: 'role' },
      h('option', { value: 'member' }, 'member (trainee)'), h('option', { value: 'lead' }, 'lead (supervisor)')),
    h('button', { type: 'submit' }, 'Add member'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const userId = String(data.get('user_id')).trim();
    if (!userId) { replace(status, notice('Enter a user id.', 'error')); return; }
    try {
      await api('PUT', memberPath(team, userId), { body: { role: data.get('role') } });
      await reload();
      replace(status, notice(`${userId} is now ${ROLE_TEXT[data.get('role')]} of ${team.name}.`, 'success'));
    } catch (err) { replace(status, errorBox(err, 'Not added.')); }
  });
  return form;
}

export async function teamsView({ main, signal, user }) {
  const admin = user.role === 'admin';
  const list = h('div');
  const statuses = new Map(); // team id → its status line, kept across reloads
  const reload = async () => {
    const { items } = await get('/v1/teams', { signal });
    replace(list, items.length === 0 ? h('p', { class: 'muted' }, admin ? 'No teams yet.' : 'You are not in a team yet.')
      : h('ul', { class: 'cards' }, items.map((t) => {
        if (!statuses.has(t.id)) statuses.set(t.id, h('div'));
        const status = statuses.get(t.id);
        return h('li', { class: 'card stack' }, h('h3', {}, t.name), memberList(t, admin, reload, status),
          admin ? memberForm(t, reload, status) : null, status);
      })));
  };
  await reload();
  const status = h('div');
  const form = h('form', { class: 'card stack' }, h('label', { for: 'team-name' }, 'New team name'),
    h('input', { id: 'team-name', name: 'name', required: true, maxlength: '200' }), status,
    h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Create team')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const name = String(new FormData(form).get('name')).trim();
    if (!name) { replace(status, notice('Enter a name.', 'error')); return; }
    try {
      await post('/v1/teams', { name });
      form.reset();
      replace(status, notice(`Team ${name} created.`, 'success'));
      await reload();
    } catch (err) { replace(status, errorBox(err, 'Not created.')); }
  });
  replace(main, pageHeader('Teams'), h('p', { class: 'muted' }, 'A team’s leads (supervisors) assign to, review and follow its members (trainees).'),
    admin ? form : null, h('section', { 'aria-labelledby': 'teams-h' }, h('h2', { id: 'teams-h' }, admin ? 'All teams' : 'Your teams'), list));
}
