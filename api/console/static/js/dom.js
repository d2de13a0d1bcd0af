// Small DOM helpers. API data only ever becomes text nodes or attribute values (never HTML).

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function formatDate(value) {
  if (!value) return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDay(value) {
  if (!value) return 'no due date';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

export function badge(text, kind = 'neutral') {
  return h('span', { class: `badge badge-${kind}` }, text);
}

export function announce(text) {
  const el = document.getElementById('announcer');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 50);
}

// An alert for an API error: the contract's error.message, in plain words.
export function errorBox(err, intro) {
  const message = err && err.message ? err.message : 'Something went wrong.';
  return h('div', { class: 'notice notice-error', role: 'alert' },
    intro ? h('strong', {}, intro + ' ') : null, message,
    err && err.retryable ? h('span', { class: 'muted' }, ' You can try again.') : null);
}

export function notice(text, kind = 'info') {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function pageHeader(title, ...rest) {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, title), ...rest);
}

export function notFound(what = 'page') {
  return [
    pageHeader('Not found'),
    h('p', {}, `This ${what} does not exist, or you do not have access to it.`),
    h('p', {}, h('a', { href: '#/' }, 'Back to the start page')),
  ];
}
