// A real OpenID provider (the `oidc-provider` package) for the console's sign-in tests, configured
// the way a company IdP is set up for voicetrain: the console is a public SPA client (no secret,
// PKCE S256), the API is a resource server whose access tokens are RS256 JWTs with its audience
// and a `role` claim, and the console renews them with rotating refresh tokens.
//
// Configuration comes from the environment (tests/browser/oidc.py sets it):
//   OIDC_PORT          port on 127.0.0.1 (the issuer is http://127.0.0.1:PORT)
//   OIDC_REDIRECT_URI  the console's URL: redirect and post-logout redirect URI
//   OIDC_AUDIENCE      resource indicator and `aud` of the API's access tokens
//   OIDC_JWKS_FILE     the private signing keys (JWK set), so two providers can share a key
//   OIDC_ACCESS_TOKEN_TTL  seconds (short, so the tests see expiry and renewal)
// It prints one line "ready ISSUER" once listening, and stops on SIGTERM.
import { readFileSync } from 'node:fs';
import Provider, { errors } from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const port = Number(env('OIDC_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const redirectUri = env('OIDC_REDIRECT_URI');
const audience = env('OIDC_AUDIENCE');
// A second resource server of the same IdP: its tokens are genuine but not meant for voicetrain.
const otherAudience = 'api://another-service';
const accessTokenTTL = Number(process.env.OIDC_ACCESS_TOKEN_TTL || '30');

// Test accounts: the login form takes the account id as login (any password).
const ACCOUNTS = {
  'tess.trainee': { role: 'trainee', email: 'tess@example.org', name: 'Tess Trainee' },
  'sam.supervisor': { role: 'supervisor', email: 'sam@example.org', name: 'Sam Supervisor' },
  'ada.admin': { role: 'admin', email: 'ada@example.org', name: 'Ada Admin' },
  'gus.guest': { role: 'guest', email: 'gus@example.org', name: 'Gus Guest' }, // not a voicetrain role
};

function resourceServer(aud) {
  return {
    audience: aud,
    scope: 'voicetrain',
    accessTokenTTL,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };
}

const configuration = {
  clients: [
    {
      client_id: 'voicetrain-console',
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [redirectUri],
    },
  ],
  jwks: JSON.parse(readFileSync(env('OIDC_JWKS_FILE'), 'utf8')),
  claims: {
    openid: ['sub'],
    profile: ['name', 'role'],
    email: ['email', 'email_verified'],
  },
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email_verified: true, ...account };
      },
    };
  },
  // The API reads who the user is from the access token alone, as it does with any IdP whose
  // claim mapping puts these claims there (README: Entra ID, Okta, Keycloak).
  async extraTokenClaims(_ctx, token) {
    if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
    const { role, email, name } = ACCOUNTS[token.accountId] || {};
    return { role, email, name };
  },
  // A refresh token for every code grant of a client allowed to refresh (as Keycloak and Entra's
  // SPA tokens do), bound to the sign-in session: RP-initiated logout revokes it.
  async issueRefreshToken(_ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  // The console is a first-party app: the organisation consented for its users (as an IdP admin
  // does when registering it), so the provider shows the login form and no consent screen.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    const grant = (grantId && await oidc.provider.Grant.find(grantId))
      || new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
    if (oidc.params.claims) grant.addOIDCClaims(Object.keys(JSON.parse(oidc.params.claims).id_token || {}));
    for (const indicator of Object.keys(oidc.resourceServers)) grant.addResourceScope(indicator, 'voicetrain');
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: true }, // the provider's own login form
    rpInitiatedLogout: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo(_ctx, indicator) {
        if (indicator === audience) return resourceServer(audience);
        if (indicator === otherAudience) return resourceServer(otherAudience);
        throw new errors.InvalidTarget();
      },
    },
  },
  pkce: { required: () => true },
  // The console calls the token and revocation endpoints from its page: CORS for its origin only.
  clientBasedCORS(_ctx, origin, client) {
    return client.clientAuthMethod === 'none' && client.redirectUris.some((uri) => new URL(uri).origin === origin);
  },
  ttl: { AccessToken: accessTokenTTL, IdToken: 600, RefreshToken: 3600, Session: 3600, Grant: 3600 },
  cookies: { keys: ['voicetrain-test-cookie-key-0123456789'] },
};

const provider = new Provider(issuer, configuration);
const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
