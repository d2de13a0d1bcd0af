// Who is signed in. The token lives in sessionStorage (this tab only, gone when it closes):
// never in a URL, never logged.
const KEY = 'voicetrain.token';
let cached = null;

export function token() {
  return sessionStorage.getItem(KEY);
}

export function authHeader() {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

export function setToken(value) {
  sessionStorage.setItem(KEY, value);
  cached = null;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  cached = null;
}

function decodePart(part) {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

// The claims, for display and navigation only: the API verifies the token on every request.
export function user() {
  const t = token();
  if (!t) return null;
  if (cached) return cached;
  try {
    const claims = decodePart(t.split('.')[1]);
    if (claims.exp && claims.exp * 1000 < Date.now()) {
      signOut();
      return null;
    }
    cached = { id: claims.sub, role: claims.role, name: claims.name || claims.sub, email: claims.email };
    return cached;
  } catch {
    signOut();
    return null;
  }
}

export const isStaff = (u) => Boolean(u) && (u.role === 'supervisor' || u.role === 'admin');
