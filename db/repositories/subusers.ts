import { and, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { subusers, type SubuserRow } from '../schema/servers';

export type NewSubuser = typeof subusers.$inferInsert;

export async function insertSubuser(db: Executor, row: NewSubuser): Promise<SubuserRow> {
  await db.insert(subusers).values(row);
  const found = await findSubuser(db, row.serverId, row.userId);
  if (!found) throw new Error('inserted subuser not found');
  return found;
}

/** Always scoped by server: a subuser row is only ever looked up within its server. */
export async function findSubuser(db: Executor, serverId: number, userId: number): Promise<SubuserRow | null> {
  const [row] = await db.select().from(subusers).where(and(eq(subusers.serverId, serverId), eq(subusers.userId, userId))).limit(1);
  return row ?? null;
}
