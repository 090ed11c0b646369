import { and, desc, eq, like, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/mysql-core';
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
  /** The admin who was impersonating the actor (DESIGN §21), when there was one. */
  readonly impersonator?: { uuid: string; email: string; username: string | null } | null;
}

const impersonators = alias(users, 'impersonators');

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
  const rows = await db.select({
    row: activityLogs, actor: users,
    impersonator: { uuid: impersonators.uuid, email: impersonators.email, username: impersonators.username },
  }).from(activityLogs)
    .leftJoin(users, eq(users.id, activityLogs.actorId))
    .leftJoin(impersonators, eq(impersonators.id, activityLogs.impersonatorId)).where(where(filter))
    .orderBy(desc(activityLogs.timestamp), desc(activityLogs.id))
    .limit(page.limit).offset(page.offset);
  return { rows: rows.map((r) => ({ ...r, impersonator: r.impersonator?.uuid ? r.impersonator : null })), total: Number(count?.n ?? 0) };
}
