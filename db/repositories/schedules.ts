import { and, asc, eq, gt, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { schedules, scheduleTasks, type ScheduleRow, type ScheduleTaskRow } from '../schema/schedules';
import { servers, subusers, type ServerRow, type SubuserRow } from '../schema/servers';
import { users, type UserRow } from '../schema/users';

export type NewSchedule = typeof schedules.$inferInsert;
export type SchedulePatch = Partial<Omit<NewSchedule, 'id' | 'serverId' | 'createdAt'>>;
export type NewTask = typeof scheduleTasks.$inferInsert;
export type TaskPatch = Partial<Omit<NewTask, 'id' | 'scheduleId' | 'createdAt'>>;

export interface ScheduleWithTasks {
  readonly schedule: ScheduleRow;
  readonly tasks: ScheduleTaskRow[];
}

async function tasksOf(db: Executor, scheduleIds: number[]): Promise<Map<number, ScheduleTaskRow[]>> {
  const byId = new Map<number, ScheduleTaskRow[]>(scheduleIds.map((id) => [id, []]));
  if (!scheduleIds.length) return byId;
  const rows = await db.select().from(scheduleTasks).where(inArray(scheduleTasks.scheduleId, scheduleIds))
    .orderBy(asc(scheduleTasks.sequenceId), asc(scheduleTasks.id));
  for (const row of rows) byId.get(row.scheduleId)?.push(row);
  return byId;
}

/** A server's schedules with their tasks (in sequence order), oldest first. */
export async function listSchedules(db: Executor, serverId: number): Promise<ScheduleWithTasks[]> {
  const rows = await db.select().from(schedules).where(eq(schedules.serverId, serverId)).orderBy(asc(schedules.id));
  const tasks = await tasksOf(db, rows.map((r) => r.id));
  return rows.map((schedule) => ({ schedule, tasks: tasks.get(schedule.id) ?? [] }));
}

/** One schedule, always scoped by its server; `lock` takes the row FOR UPDATE (inside a transaction). */
export async function findSchedule(db: Executor, serverId: number, id: number, options: { lock?: boolean } = {}): Promise<ScheduleWithTasks | null> {
  const query = db.select().from(schedules).where(and(eq(schedules.serverId, serverId), eq(schedules.id, id))).limit(1);
  const [schedule] = options.lock ? await query.for('update') : await query;
  if (!schedule) return null;
  return { schedule, tasks: (await tasksOf(db, [schedule.id])).get(schedule.id) ?? [] };
}

export async function countSchedules(db: Executor, serverId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(schedules).where(eq(schedules.serverId, serverId));
  return Number(row?.n ?? 0);
}

export async function insertSchedule(db: Executor, row: NewSchedule): Promise<number> {
  const [result] = await db.insert(schedules).values(row);
  return result.insertId;
}

export async function updateSchedule(db: Executor, id: number, patch: SchedulePatch): Promise<void> {
  await db.update(schedules).set(patch).where(eq(schedules.id, id));
}

export async function deleteSchedule(db: Executor, id: number): Promise<void> {
  await db.delete(schedules).where(eq(schedules.id, id));
}

export async function insertTask(db: Executor, row: NewTask): Promise<number> {
  const [result] = await db.insert(scheduleTasks).values(row);
  return result.insertId;
}

export async function updateTask(db: Executor, id: number, patch: TaskPatch): Promise<void> {
  await db.update(scheduleTasks).set(patch).where(eq(scheduleTasks.id, id));
}

export async function deleteTask(db: Executor, id: number): Promise<void> {
  await db.delete(scheduleTasks).where(eq(scheduleTasks.id, id));
}

/** Moves every task of a schedule at or after `from` (and, when given, before `until`) by `delta` places. */
export async function shiftSequences(db: Executor, scheduleId: number, from: number, delta: number, until?: number): Promise<void> {
  const range = until === undefined ? gte(scheduleTasks.sequenceId, from) : and(gte(scheduleTasks.sequenceId, from), lt(scheduleTasks.sequenceId, until));
  await db.update(scheduleTasks).set({ sequenceId: sql`${scheduleTasks.sequenceId} + ${delta}` })
    .where(and(eq(scheduleTasks.scheduleId, scheduleId), range));
}

// ---- the runner's claims (SELECT … FOR UPDATE SKIP LOCKED: two panel instances never claim one row) ----

/** Active, idle schedules due at `now`, locked for this transaction; rows another instance holds are skipped. */
export async function lockDueSchedules(tx: Executor, now: Date, limit: number): Promise<ScheduleRow[]> {
  return tx.select().from(schedules)
    .where(and(eq(schedules.isActive, true), eq(schedules.isProcessing, false), lte(schedules.nextRunAt, now)))
    .orderBy(asc(schedules.nextRunAt)).limit(limit).for('update', { skipLocked: true });
}

/** Runs whose lease ran out (their panel died or lost the database), locked for this transaction. */
export async function lockStaleRuns(tx: Executor, now: Date, limit: number): Promise<ScheduleRow[]> {
  return tx.select().from(schedules)
    .where(and(eq(schedules.isProcessing, true), lt(schedules.leaseUntil, now)))
    .orderBy(asc(schedules.leaseUntil)).limit(limit).for('update', { skipLocked: true });
}

/** Marks every task of the schedules queued for the runs that start (one statement for a whole claim round). */
export async function queueAllTasks(db: Executor, scheduleIds: number | readonly number[], now: Date): Promise<void> {
  const ids = typeof scheduleIds === 'number' ? [scheduleIds] : [...scheduleIds];
  if (!ids.length) return;
  await db.update(scheduleTasks).set({ isQueued: true, updatedAt: now }).where(inArray(scheduleTasks.scheduleId, ids));
}

/** The tasks still queued in a run, in sequence order. */
export async function queuedTasks(db: Executor, scheduleId: number): Promise<ScheduleTaskRow[]> {
  return db.select().from(scheduleTasks).where(and(eq(scheduleTasks.scheduleId, scheduleId), eq(scheduleTasks.isQueued, true)))
    .orderBy(asc(scheduleTasks.sequenceId), asc(scheduleTasks.id));
}

/** Extends the run's lease; false when the run is no longer ours (recovered by another instance, or deleted). */
export async function renewRunLease(db: Executor, scheduleId: number, token: string, leaseUntil: Date): Promise<boolean> {
  const [result] = await db.update(schedules).set({ leaseUntil })
    .where(and(eq(schedules.id, scheduleId), eq(schedules.runToken, token), eq(schedules.isProcessing, true)));
  return result.affectedRows === 1;
}

/**
 * Takes one task off the queue before it runs, only while the run is still ours: a task is started at most once
 * even when a run is recovered by another instance.
 */
export async function dequeueTask(db: Executor, scheduleId: number, taskId: number, token: string, now: Date): Promise<boolean> {
  const owned = db.select({ id: schedules.id }).from(schedules)
    .where(and(eq(schedules.id, scheduleId), eq(schedules.runToken, token), eq(schedules.isProcessing, true), gt(schedules.leaseUntil, now)));
  const [result] = await db.update(scheduleTasks).set({ isQueued: false, updatedAt: now })
    .where(and(eq(scheduleTasks.id, taskId), eq(scheduleTasks.isQueued, true), inArray(scheduleTasks.scheduleId, owned)));
  return result.affectedRows === 1;
}

/** Ends a run (only the owner's token ends it): the schedule is idle again and nothing stays queued. */
export async function finishRun(db: Executor, scheduleId: number, token: string, now: Date): Promise<boolean> {
  const [result] = await db.update(schedules).set({ isProcessing: false, runToken: null, leaseUntil: null, lastRunAt: now })
    .where(and(eq(schedules.id, scheduleId), eq(schedules.runToken, token)));
  if (result.affectedRows !== 1) return false;
  await db.update(scheduleTasks).set({ isQueued: false }).where(eq(scheduleTasks.scheduleId, scheduleId));
  return true;
}

/** The ids of a server's schedules (the tests and the bench). */
export async function scheduleIds(db: Executor, serverId: number): Promise<number[]> {
  return (await db.select({ id: schedules.id }).from(schedules).where(eq(schedules.serverId, serverId))).map((r) => r.id);
}

export interface RunContext {
  readonly schedule: ScheduleRow;
  readonly server: ServerRow;
  /** The run's user (null once the account is gone) and their subuser row on the server, read live. */
  readonly user: UserRow | null;
  readonly subuser: SubuserRow | null;
}

/** What a run needs before each task, in one round trip: the schedule, its server and the run's user's live access. */
export async function findRunContext(db: Executor, scheduleId: number): Promise<RunContext | null> {
  const [row] = await db.select({ schedule: schedules, server: servers, user: users, subuser: subusers }).from(schedules)
    .innerJoin(servers, eq(servers.id, schedules.serverId))
    .leftJoin(users, eq(users.id, schedules.runBy))
    .leftJoin(subusers, and(eq(subusers.serverId, schedules.serverId), eq(subusers.userId, schedules.runBy)))
    .where(eq(schedules.id, scheduleId)).limit(1);
  return row ?? null;
}
