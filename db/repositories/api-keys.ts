import { and, asc, count, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { apiKeys, type ApiKeyRow } from '../schema/credentials';
import { users, type UserRow } from '../schema/users';

/** A key and its owner in one round trip, by the public identifier. */
export async function findApiKeyWithUser(db: Executor, identifier: string): Promise<{ key: ApiKeyRow; user: UserRow } | null> {
  const [row] = await db.select({ key: apiKeys, user: users }).from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.identifier, identifier)).limit(1);
  return row ?? null;
}

export async function touchApiKey(db: Executor, id: number, at: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));
}

export async function insertApiKey(db: Executor, row: typeof apiKeys.$inferInsert): Promise<void> {
  await db.insert(apiKeys).values(row);
}

export async function listApiKeys(db: Executor, userId: number): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(asc(apiKeys.id));
}

export async function countApiKeys(db: Executor, userId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(apiKeys).where(eq(apiKeys.userId, userId));
  return row?.n ?? 0;
}

/** Always scoped by user: a key is only ever found among its owner's keys. */
export async function findApiKey(db: Executor, userId: number, identifier: string): Promise<ApiKeyRow | null> {
  const [row] = await db.select().from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), eq(apiKeys.identifier, identifier))).limit(1);
  return row ?? null;
}

export async function deleteApiKey(db: Executor, userId: number, id: number): Promise<boolean> {
  const [result] = await db.delete(apiKeys).where(and(eq(apiKeys.userId, userId), eq(apiKeys.id, id)));
  return result.affectedRows === 1;
}
