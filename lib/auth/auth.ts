import 'server-only';
import NextAuth from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { config } from '@/lib/config';
import { secrets } from '@/lib/secrets';
import { log } from '@/lib/log';
import { redeemReadyChallenge } from './challenge';

/**
 * Auth.js carries one thing: the session row's id, inside its encrypted JWT. The Credentials
 * provider accepts no password — only a challenge that the sign-in steps have fully verified.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: secrets().authSecret,
  trustHost: true,
  session: { strategy: 'jwt', maxAge: Math.floor(config().sessionMaxMs / 1000) },
  pages: { signIn: '/login', error: '/login' },
  providers: [
    Credentials({
      id: 'credentials',
      credentials: { challenge: {} },
      authorize: (credentials) => {
        const sessionId = redeemReadyChallenge(credentials?.challenge);
        return sessionId ? { id: sessionId } : null;
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) return { sub: user.id };
      return { sub: token.sub };
    },
    session({ session, token }) {
      return { expires: session.expires, sessionId: token.sub } as unknown as typeof session;
    },
  },
  logger: {
    error: (error: Error) => log('auth.error', { name: error.name, message: error.message.split('\n')[0] }),
    warn: () => {},
    debug: () => {},
  },
}));
