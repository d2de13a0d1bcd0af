// Who is signed in. Tokens live in sessionStorage: this tab only, gone when it closes, never in a
// URL, never logged. The refresh token (OIDC sign-in) is kept there too rather than in memory, so
// a reload does not sign the user out; not in localStorage, which every tab shares for as long as
// the browser keeps it: tabs would race each other's rotations (a replayed rotated refresh token
// makes the provider revoke the whole grant) and a token would outlive the tab. It rotates on
// every use and is revoked at sign-out. The CSP allows no inline or third-party script.
const KEY = 'voicetrain.token';
const REFRESH = 'voicetrain.refresh';
const PROVIDER = 'voicetrain.provider'; // the OIDC endpoints and id_token of this sign-in
export const ROLES = ['trainee', 'supervisor', 'admin'];
let cached = null;

export function token() {
  return sessionStorage.getItem(KEY);
}

export function authHeader() {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

// An OIDC sign-in also keeps its refresh token and the provider's endpoints (to renew, sign out).
export function setToken(value, { refreshToken, provider } = {}) {
  sessionStorage.setItem(KEY, value);
  if (refreshToken) sessionStorage.setItem(REFRESH, refreshToken);
  if (provider) sessionStorage.setItem(PROVIDER, JSON.stringify(provider));
  cached = null;
}

export function refreshToken() {
  return sessionStorage.getItem(REFRESH);
}

export function signInProvider() {
  return JSON.parse(sessionStorage.getItem(PROVIDER) || 'null');
}

export function signOut() {
  for (const key of [KEY, REFRESH, PROVIDER]) sessionStorage.removeItem(key);
  cached = null;
}

function decodePart(part) {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

export function claimsOf(jwt) {
  return decodePart(jwt.split('.')[1]);
}

// The role at the configured claim path (VOICETRAIN_JWT_ROLE_CLAIM), read as the API reads it:
// a string, or of a list the most privileged voicetrain role.
export function roleOf(claims, path = 'role') {
  let value = claims;
  for (const part of path.split('.')) value = value && typeof value === 'object' && !Array.isArray(value) ? value[part] : undefined;
  if (Array.isArray(value)) return [...ROLES].reverse().find((role) => value.includes(role)) || null;
  return typeof value === 'string' ? value : null;
}

// Seconds until the access token expires (Infinity without an exp claim).
export function secondsLeft() {
  const t = token();
  if (!t) return 0;
  try {
    const { exp } = claimsOf(t);
    return exp ? exp - Date.now() / 1000 : Infinity;
  } catch {
    return 0;
  }
}

// The claims, for display and navigation only: the API verifies the token on every request.
// An expired token still names the user while a refresh token can renew it.
export function user() {
  const t = token();
  if (!t) return null;
  if (cached) return cached;
  try {
    const claims = claimsOf(t);
    if (claims.exp && claims.exp * 1000 < Date.now() && !refreshToken()) {
      signOut();
      return null;
    }
    const role = roleOf(claims, signInProvider()?.role_claim);
    if (!ROLES.includes(role)) {
      signOut();
      return null;
    }
    cached = { id: claims.sub, role, name: claims.name || claims.sub, email: claims.email };
    return cached;
  } catch {
    signOut();
    return null;
  }
}

export const isStaff = (u) => Boolean(u) && (u.role === 'supervisor' || u.role === 'admin');
