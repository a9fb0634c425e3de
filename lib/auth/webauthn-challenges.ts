import 'server-only';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { type Executor, writeTransaction } from '@/db';
import { deleteOldest } from '@/db/dialect';
import { webauthnChallenges, type WebAuthnPurpose } from '@/db/schema';
import { config, type Config } from '@/lib/config';
import { newToken, tokenDigest } from './tokens';

export const WEBAUTHN_CHALLENGE_MS = 5 * 60_000;

/**
 * What asked for a WebAuthn challenge; only the same one may answer it. A session (adding a key
 * on the profile), a sign-in challenge token (the second step, or adding a key at forced setup),
 * or a random nonce the browser holds in a cookie (passkey sign-in, which has neither yet).
 */
export type WebAuthnBinding = { sessionId: string } | { challengeToken: string } | { browserNonce: string };

/** The stored digest of a binding; its kind is part of it, so that no value of one kind answers for another. */
export function bindingDigest(binding: WebAuthnBinding): string {
  if ('sessionId' in binding) return tokenDigest(`session:${binding.sessionId}`);
  if ('challengeToken' in binding) return tokenDigest(`challenge:${binding.challengeToken}`);
  return tokenDigest(`nonce:${binding.browserNonce}`);
}

/**
 * The relying party. Without AUTH_URL (development, tests), the app as `npm start` serves it on
 * this machine: RP ID `localhost`, origin `http://localhost:<PORT>`; behind any other name AUTH_URL must be set.
 */
export function relyingParty(settings: Pick<Config, 'authUrl' | 'port' | 'appName'> = config()): { id: string; name: string; origin: string } {
  const { authUrl, port, appName } = settings;
  const url = new URL(authUrl ?? `http://localhost:${port}`);
  return { id: url.hostname, name: appName, origin: url.origin };
}

interface ChallengeOwner {
  purpose: WebAuthnPurpose;
  binding: WebAuthnBinding;
  /** Whose keys it is for; null for passkey sign-in. */
  userId: number | null;
}

/** A new challenge (base64url, as sent to the browser); the database keeps its digest. */
export async function issueChallenge(owner: ChallengeOwner & { handle?: string }, now = Date.now()): Promise<string> {
  const challenge = newToken();
  await writeTransaction(async (tx) => {
    await deleteOldest(tx, webauthnChallenges, webauthnChallenges.id, webauthnChallenges.expiresAt, now);
    await tx.insert(webauthnChallenges).values({
      id: tokenDigest(challenge),
      purpose: owner.purpose,
      binding: bindingDigest(owner.binding),
      userId: owner.userId,
      handle: owner.handle ?? null,
      expiresAt: now + WEBAUTHN_CHALLENGE_MS,
    });
  });
  return challenge;
}

/**
 * Uses up a challenge: one conditional DELETE, so of two requests carrying it only one gets it.
 * Returns the user handle it was issued with (registration), or null when the challenge is
 * unknown, used, expired, or was issued to another binding, purpose or user (then it stays, for its owner).
 */
export async function consumeChallenge(challenge: string, owner: ChallengeOwner, now = Date.now(), inside?: Executor): Promise<{ handle: string | null } | null> {
  const consume = async (tx: Executor) => {
    const [row] = await tx
      .delete(webauthnChallenges)
      .where(
        and(
          eq(webauthnChallenges.id, tokenDigest(challenge)),
          eq(webauthnChallenges.purpose, owner.purpose),
          eq(webauthnChallenges.binding, bindingDigest(owner.binding)),
          owner.userId === null ? isNull(webauthnChallenges.userId) : eq(webauthnChallenges.userId, owner.userId),
          gt(webauthnChallenges.expiresAt, now),
        ),
      )
      .returning({ handle: webauthnChallenges.handle });
    return row ?? null;
  };
  // In the caller's transaction (one DELETE needs no savepoint of its own), or in one of its own.
  return inside ? consume(inside) : writeTransaction(consume);
}
