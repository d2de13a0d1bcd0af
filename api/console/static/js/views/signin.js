import { post } from '../api.js';
import { setToken, user } from '../auth.js';
import { h, errorBox, notice, pageHeader, replace } from '../dom.js';
import { beginOidcSignIn } from '../oidc.js';
import { navigate } from '../router.js';

function devForm(main) {
  const status = h('div');
  const form = h('form', { class: 'card stack', novalidate: true },
    h('h2', {}, 'Development sign-in'),
    h('p', { class: 'muted' }, 'This server runs in dev mode: choose any user id and role. Outside dev this form does not exist.'),
    h('label', { for: 'signin-user' }, 'User id'),
    h('input', { id: 'signin-user', name: 'user_id', required: true, autocomplete: 'username', value: 'dev-trainee' }),
    h('label', { for: 'signin-role' }, 'Role'),
    h('select', { id: 'signin-role', name: 'role' },
      h('option', { value: 'trainee' }, 'Trainee'),
      h('option', { value: 'supervisor' }, 'Supervisor'),
      h('option', { value: 'admin' }, 'Admin')),
    h('label', { for: 'signin-name' }, 'Display name (optional)'),
    h('input', { id: 'signin-name', name: 'name', autocomplete: 'name' }),
    status,
    h('div', {}, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const userId = String(data.get('user_id')).trim();
    if (!userId) { replace(status, notice('Enter a user id.', 'error')); return; }
    try {
      const body = { user_id: userId, role: data.get('role') };
      const name = String(data.get('name')).trim();
      if (name) body.name = name;
      const minted = await post('/v1/dev/token', body);
      setToken(minted.access_token);
      navigate('#/');
    } catch (err) {
      replace(status, errorBox(err, 'Sign-in failed.'));
    }
  });
  return form;
}

function oidcPanel(oidc, signInError) {
  const status = h('div', {}, signInError ? errorBox(signInError, 'Sign-in failed.') : null);
  return h('div', { class: 'card stack' },
    h('p', {}, 'Sign in with your organisation account.'),
    status,
    h('div', {}, h('button', { type: 'button', class: 'primary', onclick: () => beginOidcSignIn(oidc).catch((err) => replace(status, errorBox(err, 'Sign-in failed.'))) }, 'Sign in')));
}

export async function signInView({ main, config, signInError }) {
  const u = user();
  replace(main,
    pageHeader('Sign in'),
    u ? notice(`You are signed in as ${u.name} (${u.role}). Signing in again replaces that.`) : null,
    config.dev_sign_in ? devForm(main) : null,
    !config.dev_sign_in && config.oidc ? oidcPanel(config.oidc, signInError) : null,
    !config.dev_sign_in && !config.oidc
      ? notice('Sign-in is not configured on this server. An operator sets VOICETRAIN_OIDC_ISSUER and VOICETRAIN_OIDC_CLIENT_ID.', 'warning')
      : null);
}
