import { consumeChallenge, insertChallenge } from '@db/repositories/passkeys';
import type { PasskeyChallengePurpose } from '@db/schema/passkeys';
import type { AppContext } from '../../context';
import { httpError } from '../../http/errors';

/** A challenge lives this long: enough to touch a security key, short enough that a leaked one is soon useless. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

export async function storeChallenge(app: AppContext, challenge: string, purpose: PasskeyChallengePurpose, userId: number | null): Promise<void> {
  const now = app.clock.now();
  await insertChallenge(app.db, { challenge, purpose, userId, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS) }, now);
}

/** The challenge a response signed, read from its clientDataJSON (verification checks it again against this). */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && data.challenge.length <= 64 ? data.challenge : null;
  } catch {
    return null;
  }
}

export const STALE_CHALLENGE = 'The passkey request has expired or was already used; please try again.';

/** Uses the response's challenge once (issued for this purpose and account, not expired), or 422 on `field`. */
export async function useChallenge(app: AppContext, clientDataJSON: string, purpose: PasskeyChallengePurpose,
  userId: number | null, field: string): Promise<string> {
  const challenge = challengeOf(clientDataJSON);
  if (!challenge || !(await consumeChallenge(app.db, challenge, purpose, userId, app.clock.now()))) {
    throw httpError(422, 'ValidationException', STALE_CHALLENGE, { source_field: field, rule: 'challenge' });
  }
  return challenge;
}
