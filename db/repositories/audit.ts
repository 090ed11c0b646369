import { and, count, desc, eq, like, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/mysql-core';
import type { Executor } from '../client';
import { activityLogs, type ActivityRow } from '../schema/activity';
import { users } from '../schema/users';

export interface AuditFilter {
  /** Every audit event starts with this prefix (`admin:`). */
  readonly prefix: string;
  /** An event name or prefix (`admin:user.` …). */
  readonly event?: string | undefined;
  readonly actorUuid?: string | undefined;
}

export interface AuditEntry {
  readonly row: ActivityRow;
  readonly actor: { uuid: string; email: string; username: string | null } | null;
  readonly impersonator: { uuid: string; email: string; username: string | null } | null;
}

const impersonators = alias(users, 'impersonators');
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function where(f: AuditFilter): SQL | undefined {
  const parts: SQL[] = [like(activityLogs.event, `${escapeLike(f.prefix)}%`)];
  if (f.event) parts.push(like(activityLogs.event, `${escapeLike(f.event)}%`));
  if (f.actorUuid) parts.push(eq(users.uuid, f.actorUuid));
  return and(...parts);
}

/** One page of audit entries, newest first, with actor and impersonator. */
export async function listAudit(db: Executor, f: AuditFilter, page: { limit: number; offset: number }): Promise<{ rows: AuditEntry[]; total: number }> {
  const base = () => db.select({
    row: activityLogs,
    actor: { uuid: users.uuid, email: users.email, username: users.username },
    impersonator: { uuid: impersonators.uuid, email: impersonators.email, username: impersonators.username },
  }).from(activityLogs)
    .leftJoin(users, eq(users.id, activityLogs.actorId))
    .leftJoin(impersonators, eq(impersonators.id, activityLogs.impersonatorId))
    .where(where(f));
  const [n] = await db.select({ n: count() }).from(activityLogs)
    .leftJoin(users, eq(users.id, activityLogs.actorId)).where(where(f));
  const rows = await base().orderBy(desc(activityLogs.timestamp), desc(activityLogs.id)).limit(page.limit).offset(page.offset);
  return {
    rows: rows.map((r) => ({ row: r.row, actor: r.actor?.uuid ? r.actor : null, impersonator: r.impersonator?.uuid ? r.impersonator : null })),
    total: n?.n ?? 0,
  };
}
