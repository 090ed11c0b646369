import { bigint, datetime, index, int, json, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core';

export const JOB_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * One-off durable work (mass mail, cleanup): claimed exactly once across panel instances with SKIP LOCKED and a
 * lease, retried with backoff until `max_attempts` (DESIGN §16, contracts).
 */
export const jobs = mysqlTable('jobs', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  kind: varchar('kind', { length: 64 }).notNull(),
  payload: json('payload').$type<unknown>().notNull(),
  runAt: datetime('run_at', { mode: 'date', fsp: 3 }).notNull(),
  status: varchar('status', { length: 16, enum: JOB_STATUSES }).notNull().default('queued'),
  attempts: int('attempts', { unsigned: true }).notNull().default(0),
  maxAttempts: int('max_attempts', { unsigned: true }).notNull().default(5),
  leaseUntil: datetime('lease_until', { mode: 'date', fsp: 3 }),
  lastError: text('last_error'),
  /** At most one job per key (enqueueing twice with one key is a no-op). */
  dedupeKey: varchar('dedupe_key', { length: 191 }).unique(),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
  finishedAt: datetime('finished_at', { mode: 'date', fsp: 3 }),
}, (t) => [index('jobs_due_idx').on(t.status, t.runAt), index('jobs_lease_idx').on(t.status, t.leaseUntil)]);

export type JobRow = typeof jobs.$inferSelect;
