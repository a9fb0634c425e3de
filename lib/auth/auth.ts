import 'server-only';
import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { config } from '@/lib/config';
import { secrets } from '@/lib/secrets';
import { log } from '@/lib/log';
import { clientAddress, requestDevice } from '@/lib/request';
import { redeemReadyChallenge } from './challenge';
import { endSession } from './sign-out';
import { bindSsoIdentity, logSsoRefusal, startSsoSession } from './sso';

/** The generic OpenID Connect provider (`oidc`): code flow with PKCE, state and nonce. */
function ssoProviders() {
  const oidc = config().oidc;
  if (!oidc) return [];
  return [
    {
      id: 'oidc',
      name: oidc.name,
      type: 'oidc' as const,
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      checks: ['pkce' as const, 'state' as const, 'nonce' as const],
      authorization: { params: { scope: 'openid email profile' } },
    },
  ];
}

function identityIssuer(claimed: unknown): string {
  return typeof claimed === 'string' && claimed ? claimed : config().oidc!.issuer;
}

/**
 * Auth.js carries one thing: the session row's id, inside its encrypted JWT. The Credentials
 * provider accepts no password — only a challenge that the sign-in steps have fully verified.
 */
export const { handlers, signIn, signOut } = NextAuth(() => ({
  secret: secrets().authSecret,
  trustHost: config().authTrustHost,
  session: { strategy: 'jwt', maxAge: Math.floor(config().sessionMaxMs / 1000) },
  pages: { signIn: '/login', error: '/login' },
  providers: [
    ...ssoProviders(),
    Credentials({
      id: 'credentials',
      credentials: { challenge: {} },
      authorize: async (credentials) => {
        const sessionId = await redeemReadyChallenge(credentials?.challenge, await requestDevice());
        return sessionId ? { id: sessionId } : null;
      },
    }),
  ],
  callbacks: {
    async signIn({ account, profile }) {
      if (account?.provider !== 'oidc') return true;
      const issuer = identityIssuer(profile?.iss);
      const outcome = await bindSsoIdentity({ issuer, subject: String(profile?.sub ?? account.providerAccountId), email: profile?.email, emailVerified: profile?.email_verified });
      if (outcome.ok) return true;
      logSsoRefusal(outcome.reason, issuer);
      return `/login?sso=${outcome.reason}`;
    },
    async jwt({ token, user, account, profile }) {
      if (account?.provider === 'oidc') {
        const sessionId = await startSsoSession(identityIssuer(profile?.iss), String(profile?.sub ?? account.providerAccountId), await requestDevice());
        return sessionId ? { sub: sessionId } : null;
      }
      if (user?.id) return { sub: user.id };
      return { sub: token.sub };
    },
    // Pages read the session row through the cookie (lib/auth/current.ts); Auth.js's own session
    // object carries nothing, so no endpoint can hand the session id to a script.
    session({ session }) {
      return { expires: session.expires } as unknown as typeof session;
    },
  },
  events: {
    // Auth.js's own POST /api/auth/signout only clears the cookie; a copy of it must die too.
    async signOut(message) {
      const sessionId = 'token' in message ? message.token?.sub : undefined;
      if (typeof sessionId === 'string') await endSession(sessionId, await clientAddress());
    },
  },
  logger: {
    error: (error: Error) => log('auth.error', { name: error.name, message: error.message.split('\n')[0] }),
    warn: () => {},
    debug: () => {},
  },
}));
