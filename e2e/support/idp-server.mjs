// A real OpenID Provider (oidc-provider, the certified implementation) for the SSO tests, on loopback.
// Tests register accounts with POST /test/accounts {id, email, email_verified, name}.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.IDP_PORT ?? 3390);
const issuer = `http://127.0.0.1:${port}`;
const accounts = new Map();

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.IDP_CLIENT_ID ?? 'deskgate',
      client_secret: process.env.IDP_CLIENT_SECRET ?? 'deskgate-test-secret',
      redirect_uris: [process.env.IDP_REDIRECT_URI ?? 'http://localhost:3210/api/auth/callback/oidc'],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  async findAccount(_ctx, id) {
    const claims = accounts.get(id);
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Auth.js reads the claims from the ID token.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  // The first-party client needs no consent screen.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
  cookies: { keys: ['deskgate-test-idp'] },
});

const callback = provider.callback();
http
  .createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/test/accounts') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const { id, ...claims } = JSON.parse(body);
        accounts.set(id, claims);
        res.writeHead(204).end();
      });
      return;
    }
    callback(req, res);
  })
  .listen(port, '127.0.0.1', () => console.log(`test IdP on ${issuer}`));
