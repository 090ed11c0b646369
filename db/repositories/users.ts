import { eq, or, sql } from 'drizzle-orm';
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

