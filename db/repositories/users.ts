import { and, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { users, type UserRow } from '../schema/users';

export type NewUser = typeof users.$inferInsert;

export async function findUserById(db: Executor, id: number): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}

export async function findUserByUuid(db: Executor, uuid: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.uuid, uuid)).limit(1);
  return row ?? null;
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase())).limit(1);
  return row ?? null;
}

/** Sign-in accepts the email or the username. */
export async function findUserByLogin(db: Executor, login: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users)
    .where(or(eq(users.email, login.toLowerCase()), eq(users.username, login))).limit(1);
  return row ?? null;
}

export async function insertUser(db: Executor, user: NewUser): Promise<UserRow> {
  await db.insert(users).values({ ...user, email: user.email.toLowerCase() });
  const row = await findUserByUuid(db, user.uuid);
  if (!row) throw new Error('inserted user not found');
  return row;
}

export async function updateUser(db: Executor, id: number, patch: Partial<NewUser>): Promise<void> {
  await db.update(users).set(patch).where(eq(users.id, id));
}

export async function bumpSessionEpoch(db: Executor, id: number, now: Date): Promise<void> {
  await db.update(users).set({ sessionEpoch: sql`${users.sessionEpoch} + 1`, updatedAt: now }).where(eq(users.id, id));
}

export async function deleteUserRow(db: Executor, id: number): Promise<void> {
  await db.delete(users).where(eq(users.id, id));
}

/** Reads the user row with a row lock (SELECT … FOR UPDATE): serialises per-user limits such as the API key count. */
export async function lockUser(db: Executor, id: number): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1).for('update');
  return row ?? null;
}

/** Whether another account already uses this email. */
export async function emailTakenByOther(db: Executor, email: string, exceptId: number): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users)
    .where(and(eq(users.email, email.toLowerCase()), ne(users.id, exceptId))).limit(1);
  return row !== undefined;
}

/**
 * Records a used TOTP time step, only when it is later than the last one: false means another request already used
 * this step (or a later one), so the code must be refused even under concurrency.
 */
export async function advanceTotpStep(db: Executor, id: number, step: number): Promise<boolean> {
  const [result] = await db.update(users).set({ totpLastStep: step })
    .where(and(eq(users.id, id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))));
  return result.affectedRows === 1;
}

/** The account linked to a host identity (DESIGN §23). */
export async function findUserByExternalId(db: Executor, externalId: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.externalId, externalId)).limit(1);
  return row ?? null;
}
