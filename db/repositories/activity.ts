import { and, desc, eq, like, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { activityLogs, type ActivityRow } from '../schema/activity';
import { users, type UserRow } from '../schema/users';

export type NewActivity = typeof activityLogs.$inferInsert;

/** Append-only: activity rows are written in the same transaction as the change they describe. */
export async function insertActivity(db: Executor, row: NewActivity): Promise<void> {
  await db.insert(activityLogs).values(row);
}

export interface ActivityFilter {
  readonly serverId: number;
  /** Exact event name, or a prefix when `eventPrefix` is set. */
  readonly event?: string | undefined;
  readonly eventPrefix?: boolean;
  readonly actorUuid?: string | undefined;
}

export interface ActivityWithActor {
  readonly row: ActivityRow;
  readonly actor: UserRow | null;
}

function where(filter: ActivityFilter): SQL | undefined {
  const parts: SQL[] = [eq(activityLogs.serverId, filter.serverId)];
  if (filter.event !== undefined) {
    parts.push(filter.eventPrefix
      ? like(activityLogs.event, `${filter.event.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
      : eq(activityLogs.event, filter.event));
  }
  if (filter.actorUuid !== undefined) parts.push(eq(users.uuid, filter.actorUuid));
  return and(...parts);
}

/** One page of a server's activity, newest first, with each row's actor (null once the account is gone). */
export async function listServerActivity(
  db: Executor,
  filter: ActivityFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ActivityWithActor[]; total: number }> {
  const [count] = await db.select({ n: sql<number>`count(*)` }).from(activityLogs)
    .leftJoin(users, eq(users.id, activityLogs.actorId)).where(where(filter));
  const rows = await db.select({ row: activityLogs, actor: users }).from(activityLogs)
    .leftJoin(users, eq(users.id, activityLogs.actorId)).where(where(filter))
    .orderBy(desc(activityLogs.timestamp), desc(activityLogs.id))
    .limit(page.limit).offset(page.offset);
  return { rows, total: Number(count?.n ?? 0) };
}
