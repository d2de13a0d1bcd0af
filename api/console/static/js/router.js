// Hash routes ("#/sessions/ID"). Each view gets its params, the main element and an AbortSignal
// that fires when the user leaves, so its polls and long-polls stop with it.
const routes = [];
let current = null;

export function route(pattern, view, options = {}) {
  const names = [];
  const regex = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; }) + '$');
  routes.push({ regex, names, view, options });
}

export function match(path) {
  for (const r of routes) {
    const m = r.regex.exec(path);
    if (m) return { ...r, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

export function currentPath() {
  const hash = location.hash.replace(/^#/, '');
  return hash.split('?')[0] || '/';
}

export function queryParams() {
  const hash = location.hash.replace(/^#/, '');
  return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '');
}

export function start(render) {
  const go = () => {
    if (current) current.abort();
    current = new AbortController();
    render(currentPath(), current.signal);
  };
  window.addEventListener('hashchange', go);
  go();
}

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
