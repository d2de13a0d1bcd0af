// Boot: read the public console config, finish an OIDC sign-in if one is returning, then route.
import { get } from './api.js';
import { isStaff, signOut, user } from './auth.js';
import { h, errorBox, notFound, replace } from './dom.js';
import { completeOidcSignIn, oidcSignOut } from './oidc.js';
import { currentPath, match, navigate, route, start } from './router.js';
import { agreementView } from './views/agreement.js';
import { assignView } from './views/assign.js';
import { calibrationView } from './views/calibration.js';
import { conversationView } from './views/conversation.js';
import { evaluationView } from './views/evaluation.js';
import { libraryView } from './views/library.js';
import { progressView } from './views/progress.js';
import { reviewQueueView, reviewView } from './views/reviews.js';
import { scenarioEditorView, scenariosView } from './views/scenarios.js';
import { sessionsView } from './views/sessions.js';
import { signInView } from './views/signin.js';
import { teamsView } from './views/teams.js';

const main = document.getElementById('main');
let config = null;
let signInError = null;

const NAV = {
  trainee: [['#/library', 'Library'], ['#/sessions', 'My sessions'], ['#/progress', 'Progress']],
  supervisor: [['#/assign', 'Assign'], ['#/reviews', 'Reviews'], ['#/sessions', 'Sessions'], ['#/progress', 'Progress'], ['#/agreement', 'Agreement'], ['#/scenarios', 'Scenarios'], ['#/library', 'Library']],
  admin: [['#/assign', 'Assign'], ['#/reviews', 'Reviews'], ['#/sessions', 'Sessions'], ['#/progress', 'Progress'], ['#/agreement', 'Agreement'], ['#/scenarios', 'Scenarios'], ['#/teams', 'Teams'], ['#/library', 'Library']],
};

function home(u) {
  return isStaff(u) ? '#/assign' : '#/library';
}

function renderChrome(u, path) {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!u) { replace(nav); replace(who); return; }
  replace(nav, h('ul', {}, (NAV[u.role] || NAV.trainee).map(([href, label]) =>
    h('li', {}, h('a', { href, 'aria-current': path.startsWith(href.slice(1)) ? 'page' : null }, label)))));
  replace(who,
    h('span', { class: 'muted' }, `${u.name} · ${u.role}`),
    h('button', { type: 'button', class: 'link', onclick: signOutClicked }, 'Sign out'));
}

// An OIDC sign-in ends at the provider too (it sends the browser back here); a dev one here.
async function signOutClicked() {
  if (!(await oidcSignOut())) { signOut(); navigate('#/signin'); }
}

route('/signin', signInView, { public: true });
route('/library', libraryView);
route('/sessions', sessionsView);
route('/sessions/:id', conversationView);
route('/sessions/:id/evaluation', evaluationView);
route('/progress', progressView);
route('/trainees/:trainee/progress', progressView);
route('/assign', assignView, { staff: true });
route('/reviews', reviewQueueView, { staff: true });
route('/reviews/:id', reviewView, { staff: true });
route('/agreement', agreementView, { staff: true });
route('/teams', teamsView, { staff: true });
route('/scenarios', scenariosView, { staff: true });
route('/scenarios/new', scenarioEditorView, { staff: true });
route('/scenarios/:id', scenarioEditorView, { staff: true });
route('/scenarios/:id/calibration', calibrationView, { staff: true });

async function render(path, signal) {
  const u = user();
  if (path === '/') return navigate(u ? home(u) : '#/signin');
  const found = match(path);
  if (!found?.options.public && !u) return navigate('#/signin');
  renderChrome(u, path);
  if (!found || (found.options.staff && !isStaff(u))) {
    replace(main, notFound());
  } else {
    replace(main, h('p', { class: 'muted' }, 'Loading…'));
    try {
      await found.view({ main, params: found.params, signal, config, user: u, home: home(u), signInError });
    } catch (err) {
      if (err.name === 'AbortError') return;
      replace(main, h('h1', { tabindex: '-1' }, 'Something went wrong'), errorBox(err));
    }
  }
  if (signal.aborted) return;
  const heading = main.querySelector('h1');
  document.title = heading ? `${heading.textContent} · voicetrain` : 'voicetrain';
  if (heading && document.activeElement === document.body) heading.focus({ preventScroll: true });
}

async function boot() {
  try {
    config = await get('/v1/console-config');
  } catch (err) {
    replace(main, h('h1', { tabindex: '-1' }, 'The console could not start'), errorBox(err));
    return;
  }
  if (config.oidc) {
    try {
      const returnTo = await completeOidcSignIn();
      if (returnTo) location.hash = returnTo;
    } catch (err) {
      signInError = err; // shown on the sign-in page (until the page reloads), with its button to try again
      location.hash = '#/signin';
    }
  }
  start(render);
}

// Focus moves to the new page's heading after navigation (for keyboard and screen reader users).
window.addEventListener('hashchange', () => { if (currentPath() !== '/') document.activeElement?.blur(); });
boot();
