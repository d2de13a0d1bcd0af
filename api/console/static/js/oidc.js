// Sign-in outside dev: OpenID Connect authorization code flow with PKCE (public client, S256).
// The verifier and state stay in sessionStorage for the round trip; the code is removed from
// the address bar as soon as it is read.
import { setToken } from './auth.js';

const PENDING = 'voicetrain.oidc';

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

async function discover(issuer) {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error('The sign-in provider could not be reached.');
  return res.json();
}

function redirectUri() {
  return `${location.origin}/`;
}

export async function beginOidcSignIn(oidc) {
  const meta = await discover(oidc.issuer);
  const verifier = randomString();
  const state = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, tokenEndpoint: meta.token_endpoint, returnTo: location.hash }));
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: oidc.client_id, redirect_uri: redirectUri(), scope: oidc.scopes,
    state, code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

// On return from the provider: exchange ?code= for tokens. Returns the hash to go to, or null.
export async function completeOidcSignIn(oidc) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  history.replaceState(null, '', `${location.pathname}${location.hash}`); // the code leaves the URL
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  if (params.has('error')) throw new Error(params.get('error_description') || 'The sign-in provider refused the sign-in.');
  if (!pending || params.get('state') !== pending.state) throw new Error('The sign-in could not be verified. Please try again.');
  const res = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
      client_id: oidc.client_id, code_verifier: pending.verifier,
    }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.access_token) throw new Error(body.error_description || 'The sign-in provider did not issue a token.');
  // The API is the resource server: it verifies the access token (issuer, audience, role claim).
  setToken(body.access_token);
  return pending.returnTo || '#/';
}
