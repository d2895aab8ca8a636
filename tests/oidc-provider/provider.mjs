// A real OpenID provider for the portal's SSO tests: npm oidc-provider (OpenID Certified), on a free loopback port.
// Prints {"issuer": "..."} once listening. Clients register themselves (RFC 7591 dynamic registration); the test registers
// the portal with its redirect URI once the portal listens, under the fixed id and secret the portal was configured with.
// Accounts: any login name signs in (oidc-provider's development interactions); its e-mail is the login name, verified
// unless the name starts with "unverified:". Ends when stdin closes.
import http from 'node:http';
import Provider from 'oidc-provider';

const clientId = process.env.OIDC_CLIENT_ID ?? 'portal-tests';
const clientSecret = process.env.OIDC_CLIENT_SECRET ?? 'portal-tests-secret-0123456789abcdef';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [],
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true, idFactory: () => clientId, secretFactory: () => clientSecret },
  },
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  cookies: { keys: ['portal-tests-cookie-key'] },
  async findAccount(ctx, id) {
    const unverified = id.startsWith('unverified:');
    const email = unverified ? id.slice('unverified:'.length) : id;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: !unverified, name: `SSO ${email}` };
      },
    };
  },
});
server.on('request', provider.callback());

process.stdout.write(JSON.stringify({ issuer }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => server.close(() => process.exit(0)));
