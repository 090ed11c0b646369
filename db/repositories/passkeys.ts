import { and, asc, count, eq, lt } from 'drizzle-orm';
import type { Executor } from '../client';
import { passkeyChallenges, passkeys, type NewPasskey, type PasskeyChallengePurpose, type PasskeyRow } from '../schema/passkeys';
import { users } from '../schema/users';

export async function listPasskeys(db: Executor, userId: number): Promise<PasskeyRow[]> {
  return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt), asc(passkeys.id));
}

export async function findPasskey(db: Executor, userId: number, uuid: string): Promise<PasskeyRow | null> {
  const [row] = await db.select().from(passkeys).where(and(eq(passkeys.userId, userId), eq(passkeys.uuid, uuid))).limit(1);
  return row ?? null;
}

export async function findPasskeyByCredential(db: Executor, credentialHash: string): Promise<PasskeyRow | null> {
  const [row] = await db.select().from(passkeys).where(eq(passkeys.credentialHash, credentialHash)).limit(1);
  return row ?? null;
}

export async function insertPasskey(db: Executor, row: NewPasskey): Promise<void> {
  await db.insert(passkeys).values(row);
}

export async function renamePasskey(db: Executor, userId: number, id: number, name: string): Promise<void> {
  await db.update(passkeys).set({ name }).where(and(eq(passkeys.userId, userId), eq(passkeys.id, id)));
}

export async function deletePasskey(db: Executor, userId: number, id: number): Promise<boolean> {
  const [result] = await db.delete(passkeys).where(and(eq(passkeys.userId, userId), eq(passkeys.id, id)));
  return result.affectedRows === 1;
}

/** Recounts the user's passkeys onto `users.passkey_count` (call under the user's row lock, in the changing transaction). */
export async function syncPasskeyCount(db: Executor, userId: number, now: Date): Promise<number> {
  const [row] = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId));
  const n = row?.n ?? 0;
  await db.update(users).set({ passkeyCount: n, updatedAt: now }).where(eq(users.id, userId));
  return n;
}

/**
 * Stores the counter a sign-in reported, only when the row still holds the one the signature was checked against:
 * false means another sign-in with the same credential won the race (a cloned authenticator, or a replay).
 */
export async function advancePasskeyCounter(db: Executor, id: number, from: number, to: number, now: Date): Promise<boolean> {
  const [result] = await db.update(passkeys).set({ counter: to, lastUsedAt: now })
    .where(and(eq(passkeys.id, id), eq(passkeys.counter, from)));
  return result.affectedRows === 1;
}

export async function insertChallenge(db: Executor, row: {
  challenge: string; purpose: PasskeyChallengePurpose; userId: number | null; expiresAt: Date;
}, now: Date): Promise<void> {
  await db.delete(passkeyChallenges).where(lt(passkeyChallenges.expiresAt, now));
  await db.insert(passkeyChallenges).values(row);
}

/**
 * Uses a challenge: deletes it when it exists for this purpose and account and has not expired. True exactly once
 * per challenge, however many requests race for it.
 */
export async function consumeChallenge(db: Executor, challenge: string, purpose: PasskeyChallengePurpose,
  userId: number | null, now: Date): Promise<boolean> {
  const [row] = await db.select().from(passkeyChallenges).where(eq(passkeyChallenges.challenge, challenge)).limit(1);
  if (!row) return false;
  const [result] = await db.delete(passkeyChallenges).where(eq(passkeyChallenges.id, row.id));
  if (result.affectedRows !== 1) return false;
  return row.purpose === purpose && row.userId === userId && row.expiresAt > now;
}
