import { and, count, desc, eq, gte, inArray, like } from 'drizzle-orm';
import { activityLogs } from '../schema/activity';
import { backups } from '../schema/backups';
import type { Executor } from '../client';
import { serverHealthReports, type ServerHealthReportRow } from '../schema/migration';

export async function findHealthReport(db: Executor, serverId: number): Promise<ServerHealthReportRow | null> {
  const [row] = await db.select().from(serverHealthReports).where(eq(serverHealthReports.serverId, serverId)).limit(1);
  return row ?? null;
}

export async function saveHealthReport(db: Executor, row: ServerHealthReportRow): Promise<void> {
  await db.insert(serverHealthReports).values(row)
    .onDuplicateKeyUpdate({ set: { results: row.results, checkedAt: row.checkedAt } });
}

/** The latest power signal sent to the server (HTTP or socket), from the activity log. */
export async function lastPowerEvent(db: Executor, serverId: number): Promise<{ event: string; timestamp: Date } | null> {
  const [row] = await db.select({ event: activityLogs.event, timestamp: activityLogs.timestamp }).from(activityLogs)
    .where(and(eq(activityLogs.serverId, serverId), like(activityLogs.event, 'server:power.%')))
    .orderBy(desc(activityLogs.timestamp), desc(activityLogs.id)).limit(1);
  return row ?? null;
}

/** When the server's newest successful backup completed (null: none). */
export async function lastSuccessfulBackupAt(db: Executor, serverId: number): Promise<Date | null> {
  const [row] = await db.select({ at: backups.completedAt }).from(backups)
    .where(and(eq(backups.serverId, serverId), eq(backups.isSuccessful, true)))
    .orderBy(desc(backups.completedAt)).limit(1);
  return row?.at ?? null;
}

/** How many of each of `events` the server logged since `since`. */
export async function countServerEventsSince(db: Executor, serverId: number, events: readonly string[], since: Date): Promise<Record<string, number>> {
  const rows = await db.select({ event: activityLogs.event, n: count() }).from(activityLogs)
    .where(and(eq(activityLogs.serverId, serverId), inArray(activityLogs.event, [...events]), gte(activityLogs.timestamp, since)))
    .groupBy(activityLogs.event);
  return Object.fromEntries(events.map((e) => [e, Number(rows.find((r) => r.event === e)?.n ?? 0)]));
}
