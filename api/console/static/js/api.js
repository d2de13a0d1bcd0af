// The REST API client: the contract's error body, Retry-After on 429/503 and the evaluation's
// 202 + Retry-After long-poll. Every page talks to the server through here only.
import { authHeader, secondsLeft, signOut } from './auth.js';
import { renew, renewable, renewBeforeSeconds } from './oidc.js';

export class ApiError extends Error {
  constructor(status, type, message, retryable, detail = null) {
    super(message);
    this.status = status;
    this.type = type;
    this.retryable = retryable;
    this.detail = detail; // the contract's whole error object (e.g. a 422's field problems)
  }
}

const MAX_RETRIES = 3; // 429 and 503 are retried after Retry-After, this many times
const LONG_POLL_SECONDS = 25; // the contract allows up to 30
const SHORT_POLL_SECONDS = 3;

export function sleep(seconds, signal) {
  return new Promise((resolve, reject) => {
    if (signal && signal.aborted) return reject(new DOMException('aborted', 'AbortError'));
    const timer = setTimeout(resolve, seconds * 1000);
    if (signal) signal.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('aborted', 'AbortError')); }, { once: true });
  });
}

function retryAfterSeconds(res, fallback) {
  const value = Number(res.headers.get('Retry-After'));
  return Number.isFinite(value) && value >= 0 ? Math.min(value, 60) : fallback;
}

async function readBody(res) {
  const text = await res.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return null; }
}

function toError(res, body) {
  const e = body && body.error;
  if (e && typeof e.message === 'string') return new ApiError(res.status, e.type, e.message, Boolean(e.retryable), e);
  return new ApiError(res.status, 'http_error', `The server answered with status ${res.status}.`, res.status >= 500);
}

export async function api(method, path, { body, signal, headers = {} } = {}) {
  let renewed = false;
  for (let attempt = 0; ; attempt += 1) {
    // An OIDC access token about to expire is renewed first, so the request never meets a 401.
    if (!renewed && renewable() && secondsLeft() < renewBeforeSeconds) renewed = await renew();
    const credentials = authHeader();
    let res;
    try {
      res = await fetch(path, {
        method,
        signal,
        headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...credentials, ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      if (err.name === 'AbortError') throw err;
      throw new ApiError(0, 'network', 'The server could not be reached. Check your connection.', true);
    }
    if ((res.status === 429 || res.status === 503) && attempt < MAX_RETRIES) {
      await sleep(retryAfterSeconds(res, 2), signal);
      continue;
    }
    const data = await readBody(res);
    if (res.status === 401 && !renewed && renewable()) { // e.g. revoked, or clocks apart: renew once
      renewed = await renew();
      if (renewed) continue;
    }
    if (res.status === 401 && credentials.Authorization) {
      signOut();
      location.hash = '#/signin';
      throw new ApiError(401, 'unauthorized', 'Your sign-in has expired. Please sign in again.', false);
    }
    if (!res.ok) throw toError(res, data);
    return { status: res.status, data, retryAfter: retryAfterSeconds(res, 2) };
  }
}

export const get = (path, opts) => api('GET', path, opts).then((r) => r.data);
export const post = (path, body, opts = {}) => api('POST', path, { ...opts, body }).then((r) => r.data);
export const put = (path, body, opts = {}) => api('PUT', path, { ...opts, body }).then((r) => r.data);

// 200 → the evaluation. 202 → onPending({status, phase}), wait Retry-After, then long-poll with
// `wait`. 409 no_evaluation (permanent) and other errors are thrown to the caller.
// While the conversation runs the long-poll is long; once it is being evaluated, short (the
// server's long-poll waits on the session's workflow, which an assessed session keeps open
// while it awaits its review, although the evaluation is written).
export async function waitForEvaluation(sessionId, { signal, onPending }) {
  let wait = 0; // the first answer comes at once, so the page can show the pending state
  for (;;) {
    const res = await api('GET', `/v1/sessions/${encodeURIComponent(sessionId)}/evaluation?wait=${wait}`, { signal });
    if (res.status === 200) return res.data;
    onPending(res.data);
    if (wait > 0) await sleep(res.retryAfter, signal);
    wait = res.data && res.data.status === 'in_conversation' ? LONG_POLL_SECONDS : SHORT_POLL_SECONDS;
  }
}

export function newIdempotencyKey() {
  return crypto.randomUUID();
}
