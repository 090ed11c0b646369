import { and, asc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { jobs, type JobRow } from '../schema/jobs';

export type NewJob = typeof jobs.$inferInsert;

/** Inserts a job; with a dedupe key already queued or run, nothing is inserted and null is returned. */
export async function insertJob(db: Executor, row: NewJob): Promise<number | null> {
  const [result] = await db.insert(jobs).values(row).onDuplicateKeyUpdate({ set: { id: sql`${jobs.id}` } });
  return result.insertId > 0 ? result.insertId : null; // a duplicate key reports no insert id
}

/** Queued jobs of `kinds` due at `now`, locked for this transaction; rows another instance holds are skipped. */
export async function lockDueJobs(tx: Executor, now: Date, limit: number, kinds: readonly string[]): Promise<JobRow[]> {
  if (!kinds.length) return [];
  return tx.select().from(jobs).where(and(eq(jobs.status, 'queued'), lte(jobs.runAt, now), inArray(jobs.kind, [...kinds])))
    .orderBy(asc(jobs.runAt), asc(jobs.id)).limit(limit).for('update', { skipLocked: true });
}

/** Running jobs of `kinds` whose lease ran out (their panel died), locked for this transaction. */
export async function lockStaleJobs(tx: Executor, now: Date, limit: number, kinds: readonly string[]): Promise<JobRow[]> {
  if (!kinds.length) return [];
  return tx.select().from(jobs).where(and(eq(jobs.status, 'running'), lt(jobs.leaseUntil, now), inArray(jobs.kind, [...kinds])))
    .orderBy(asc(jobs.leaseUntil)).limit(limit).for('update', { skipLocked: true });
}

export async function updateJob(db: Executor, id: number, patch: Partial<NewJob>): Promise<void> {
  await db.update(jobs).set(patch).where(eq(jobs.id, id));
}

/** Updates a running job only while this claim still holds it (the lease was not taken over). */
export async function updateClaimedJob(db: Executor, id: number, attempts: number, patch: Partial<NewJob>): Promise<boolean> {
  const [result] = await db.update(jobs).set(patch).where(and(eq(jobs.id, id), eq(jobs.status, 'running'), eq(jobs.attempts, attempts)));
  return result.affectedRows === 1;
}

export async function findJob(db: Executor, id: number): Promise<JobRow | null> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id)).limit(1);
  return row ?? null;
}

export async function listJobs(db: Executor, kind: string): Promise<JobRow[]> {
  return db.select().from(jobs).where(eq(jobs.kind, kind)).orderBy(asc(jobs.id));
}
