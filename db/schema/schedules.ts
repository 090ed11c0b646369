import { bigint, boolean, datetime, index, int, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core';
import { servers } from './servers';
import { users } from './users';

/** The actions a schedule task can perform (DESIGN §16). */
export const TASK_ACTIONS = ['command', 'power', 'backup'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** Pterodactyl's schedules, plus what the durable runner needs (the saver whose keys a run uses, the run's lease). */
export const schedules = mysqlTable('schedules', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  name: varchar('name', { length: 191 }).notNull(),
  cronMinute: varchar('cron_minute', { length: 191 }).notNull(),
  cronHour: varchar('cron_hour', { length: 191 }).notNull(),
  cronDayOfMonth: varchar('cron_day_of_month', { length: 191 }).notNull(),
  cronMonth: varchar('cron_month', { length: 191 }).notNull(),
  cronDayOfWeek: varchar('cron_day_of_week', { length: 191 }).notNull(),
  isActive: boolean('is_active').notNull().default(true),
  isProcessing: boolean('is_processing').notNull().default(false),
  onlyWhenOnline: boolean('only_when_online').notNull().default(false),
  lastRunAt: datetime('last_run_at', { mode: 'date', fsp: 3 }),
  /** UTC; computed with croner in the panel's timezone (APP_TIMEZONE). Null while inactive. */
  nextRunAt: datetime('next_run_at', { mode: 'date', fsp: 3 }),
  /** The user who last saved the schedule or one of its tasks: a run acts with this user's live keys, never more. */
  lastSavedBy: bigint('last_saved_by', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'set null' }),
  /** The claim of the run in progress (random id) and until when it holds; a run past its lease is recovered. */
  runToken: varchar('run_token', { length: 36 }),
  leaseUntil: datetime('lease_until', { mode: 'date', fsp: 3 }),
  /** Whose live keys the run in progress acts with: the last saver, or whoever pressed "run now". */
  runBy: bigint('run_by', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'set null' }),
  /** Whether the run in progress was started by hand (its first task then skips its time offset). */
  runManual: boolean('run_manual').notNull().default(false),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  index('schedules_server_id_idx').on(t.serverId),
  index('schedules_due_idx').on(t.isActive, t.isProcessing, t.nextRunAt),
  index('schedules_lease_idx').on(t.isProcessing, t.leaseUntil),
]);

export const scheduleTasks = mysqlTable('schedule_tasks', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  scheduleId: bigint('schedule_id', { mode: 'number', unsigned: true }).notNull().references(() => schedules.id, { onDelete: 'cascade' }),
  sequenceId: int('sequence_id', { unsigned: true }).notNull(),
  action: varchar('action', { length: 16, enum: TASK_ACTIONS }).notNull(),
  payload: text('payload').notNull(),
  /** Seconds to wait after the previous task (0–900). */
  timeOffset: int('time_offset', { unsigned: true }).notNull().default(0),
  continueOnFailure: boolean('continue_on_failure').notNull().default(false),
  /** True while the task waits its turn in a run in progress. */
  isQueued: boolean('is_queued').notNull().default(false),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [index('schedule_tasks_schedule_seq_idx').on(t.scheduleId, t.sequenceId)]);

export type ScheduleRow = typeof schedules.$inferSelect;
export type ScheduleTaskRow = typeof scheduleTasks.$inferSelect;
