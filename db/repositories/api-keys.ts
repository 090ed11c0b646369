import { eq } from 'drizzle-orm';
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
