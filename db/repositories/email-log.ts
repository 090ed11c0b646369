import { and, desc, eq, gte, like, lt, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { emailLog, type EmailLogRow, type EmailLogStatus } from '../schema/mail';

export type NewEmailLog = typeof emailLog.$inferInsert;

export async function insertEmailLog(db: Executor, row: NewEmailLog): Promise<void> {
  await db.insert(emailLog).values(row);
}

export interface EmailLogFilter {
  readonly status?: EmailLogStatus | undefined;
  readonly kind?: string | undefined;
  /** A part of the recipient address. */
  readonly to?: string | undefined;
  readonly blastId?: number | undefined;
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
}

function where(filter: EmailLogFilter): SQL | undefined {
  const c: SQL[] = [];
  if (filter.status) c.push(eq(emailLog.status, filter.status));
  if (filter.kind) c.push(eq(emailLog.kind, filter.kind));
  if (filter.to) c.push(like(emailLog.recipient, `%${filter.to.replace(/[\\%_]/g, (m) => `\\${m}`)}%`));
  if (filter.blastId !== undefined) c.push(eq(emailLog.blastId, filter.blastId));
  if (filter.since) c.push(gte(emailLog.createdAt, filter.since));
  if (filter.until) c.push(lt(emailLog.createdAt, filter.until));
  return c.length ? and(...c) : undefined;
}

/** One page of the log, newest first, with the total matching the filter. */
export async function listEmailLog(db: Executor, filter: EmailLogFilter, page: { limit: number; offset: number }): Promise<{ rows: EmailLogRow[]; total: number }> {
  const w = where(filter);
  const rows = await db.select().from(emailLog).where(w).orderBy(desc(emailLog.id)).limit(page.limit).offset(page.offset);
  const [count] = await db.select({ n: sql<number>`count(*)` }).from(emailLog).where(w);
  return { rows, total: Number(count?.n ?? 0) };
}

/** Messages of `kind` logged since `since`, oldest first (the rate limit's rolling window). */
export async function sentTimesSince(db: Executor, kind: string, since: Date): Promise<Date[]> {
  const rows = await db.select({ at: emailLog.createdAt }).from(emailLog)
    .where(and(eq(emailLog.kind, kind), gte(emailLog.createdAt, since))).orderBy(emailLog.createdAt);
  return rows.map((r) => r.at);
}
