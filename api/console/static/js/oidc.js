// Sign-in outside dev: OpenID Connect authorization code flow with PKCE (public client, S256).
// The verifier, state and nonce stay in sessionStorage for the round trip; the code is removed
// from the address bar as soon as it is read. Access tokens are short-lived and renewed with the
// refresh token before they expire, so the user never sees it; sign-out revokes the refresh
// token and ends the provider's session (RP-initiated logout).
import { claimsOf, refreshToken, roleOf, ROLES, setToken, signInProvider, signOut } from './auth.js';

const PENDING = 'voicetrain.oidc';
const RENEW_BEFORE_SECONDS = 10; // renew a token this close to expiry before using it
let renewing = null; // one renewal at a time: a rotated refresh token must never be sent twice

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

const trimSlash = (url) => url.replace(/\/$/, '');

async function discover(issuer) {
  let meta;
  try {
    const res = await fetch(`${trimSlash(issuer)}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(String(res.status));
    meta = await res.json();
  } catch {
    throw new Error('The sign-in provider could not be reached.');
  }
  // OpenID Connect Discovery 4.3: the document must be the configured issuer's own.
  if (trimSlash(meta.issuer || '') !== trimSlash(issuer)) throw new Error('The sign-in provider answered for another issuer.');
  const methods = meta.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) throw new Error('The sign-in provider does not support PKCE (S256).');
  return meta;
}

function redirectUri() {
  return `${location.origin}/`;
}

export async function beginOidcSignIn(oidc) {
  const meta = await discover(oidc.issuer);
  const verifier = randomString();
  const state = randomString();
  const nonce = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const provider = {
    issuer: meta.issuer, client_id: oidc.client_id, role_claim: oidc.role_claim, token_endpoint: meta.token_endpoint,
    revocation_endpoint: meta.revocation_endpoint || null, end_session_endpoint: meta.end_session_endpoint || null,
  };
  const returnTo = location.hash.startsWith('#/signin') ? '#/' : location.hash; // not back to this page
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, provider, returnTo }));
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: oidc.client_id, redirect_uri: redirectUri(), scope: oidc.scopes,
    state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

// The ID token came straight from the token endpoint over TLS (OIDC Core 3.1.3.7), so its claims
// are checked, not its signature; the API verifies the access token's signature on every call.
function checkIdToken(idToken, pending) {
  let claims;
  try { claims = claimsOf(idToken); } catch { throw new Error('The sign-in provider sent an unreadable ID token.'); }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (trimSlash(claims.iss || '') !== trimSlash(pending.provider.issuer) || !audiences.includes(pending.provider.client_id)
      || claims.nonce !== pending.nonce || !(claims.exp * 1000 > Date.now())) {
    throw new Error('The sign-in could not be verified. Please try again.');
  }
}

async function tokenRequest(provider, params) {
  let res;
  try {
    res = await fetch(provider.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, client_id: provider.client_id }),
    });
  } catch {
    throw new Error('The sign-in provider could not be reached.');
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.access_token) throw new Error(body.error_description || 'The sign-in provider did not issue a token.');
  return body;
}

function keep(body, provider) {
  const role = roleOf(claimsOf(body.access_token), provider.role_claim);
  if (!ROLES.includes(role)) {
    signOut();
    throw new Error('Your account has no voicetrain role (trainee, supervisor or admin). Ask your administrator to assign one.');
  }
  setToken(body.access_token, {
    refreshToken: body.refresh_token,
    provider: { ...provider, id_token: body.id_token || provider.id_token || null },
  });
}

// On return from the provider: exchange ?code= for tokens. Returns the hash to go to, or null.
export async function completeOidcSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  history.replaceState(null, '', `${location.pathname}${location.hash}`); // the code leaves the URL
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  if (params.has('error')) throw new Error(params.get('error_description') || 'The sign-in provider refused the sign-in.');
  if (!pending || params.get('state') !== pending.state) throw new Error('The sign-in could not be verified. Please try again.');
  // RFC 9207: a response naming another issuer is a mix-up attack.
  if (params.has('iss') && trimSlash(params.get('iss')) !== trimSlash(pending.provider.issuer)) throw new Error('The sign-in could not be verified. Please try again.');
  const body = await tokenRequest(pending.provider, {
    grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(), code_verifier: pending.verifier,
  });
  if (!body.id_token) throw new Error('The sign-in provider did not issue an ID token.');
  checkIdToken(body.id_token, pending);
  keep(body, pending.provider);
  return pending.returnTo || '#/';
}

// A fresh access token through the refresh token (rotated by the provider). Resolves true when
// renewed, false when this sign-in cannot be renewed (then the user signs in again).
export function renew() {
  const provider = signInProvider();
  const refresh = refreshToken();
  if (!provider || !refresh) return Promise.resolve(false);
  renewing ||= tokenRequest(provider, { grant_type: 'refresh_token', refresh_token: refresh })
    .then((body) => { keep(body, provider); return true; })
    .catch(() => { signOut(); return false; })
    .finally(() => { renewing = null; });
  return renewing;
}

export const renewable = () => Boolean(refreshToken() && signInProvider());
export const renewBeforeSeconds = RENEW_BEFORE_SECONDS;

// Revoke the refresh token, forget every token, then end the provider's session; it sends the
// browser back to the console, signed out.
export async function oidcSignOut() {
  const provider = signInProvider();
  const refresh = refreshToken();
  signOut();
  if (!provider) return false;
  if (provider.revocation_endpoint && refresh) {
    await fetch(provider.revocation_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refresh, token_type_hint: 'refresh_token', client_id: provider.client_id }),
    }).catch(() => {}); // the provider's logout below ends the grant as well
  }
  if (!provider.end_session_endpoint) return false;
  const url = new URL(provider.end_session_endpoint);
  url.search = new URLSearchParams({
    client_id: provider.client_id, post_logout_redirect_uri: redirectUri(),
    ...(provider.id_token ? { id_token_hint: provider.id_token } : {}),
  }).toString();
  location.assign(url.toString());
  return true;
}
