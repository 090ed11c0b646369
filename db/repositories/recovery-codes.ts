import { and, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { recoveryCodes } from '../schema/credentials';

export type RecoveryCodeRow = typeof recoveryCodes.$inferSelect;

export async function listRecoveryCodes(db: Executor, userId: number): Promise<RecoveryCodeRow[]> {
  return db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}

/** Drops every code of the user, then stores the new hashes (enrolment issues a whole new set). */
export async function replaceRecoveryCodes(db: Executor, userId: number, hashes: readonly string[], now: Date): Promise<void> {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  if (hashes.length) await db.insert(recoveryCodes).values(hashes.map((codeHash) => ({ userId, codeHash, createdAt: now })));
}

/** Uses up one code: false when another request consumed it first. */
export async function consumeRecoveryCode(db: Executor, userId: number, id: number): Promise<boolean> {
  const [result] = await db.delete(recoveryCodes).where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.id, id)));
  return result.affectedRows === 1;
}

export async function deleteRecoveryCodes(db: Executor, userId: number): Promise<void> {
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}
