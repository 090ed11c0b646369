import { and, desc, eq, like } from 'drizzle-orm';
import { activityLogs } from '../schema/activity';
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
