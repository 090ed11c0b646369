import type { Permission } from '@contracts/permissions';
import type { Executor } from '@db/client';
import { findSchedule, type ScheduleWithTasks } from '@db/repositories/schedules';
import type { ScheduleRow, ScheduleTaskRow } from '@db/schema/schedules';
import { forbidden, notFound } from '../../http/errors';
import type { ServerAccess } from '../../http/types';
import { TASK_ACTION_DEFS } from './task-actions';

/** 403 naming the key, as the router does, when the actor lacks `key` on this server. */
export function requireKey(access: ServerAccess, key: Permission): void {
  if (!access.permissions.has(key)) throw forbidden('This action is unauthorized.', { permission: key });
}

/** The key a stored task needs to run. */
export function taskPermission(task: Pick<ScheduleTaskRow, 'action' | 'payload'>): Permission {
  return TASK_ACTION_DEFS[task.action].permission(task.payload);
}

/** No privilege bleed: the actor saving or running a task must hold what the task does (403 naming the key). */
export function requireTaskKey(access: ServerAccess, task: Pick<ScheduleTaskRow, 'action' | 'payload'>): void {
  const key = taskPermission(task);
  if (!access.permissions.has(key)) {
    throw forbidden(`You cannot save or run a ${task.action} task: it needs the ${key} permission, which you do not hold.`, { permission: key, source_field: 'action' });
  }
}

/** A schedule of the access's server, or 404 (ids of other servers' schedules look the same as unknown ones). */
export async function loadSchedule(db: Executor, access: ServerAccess, id: number | null, options: { lock?: boolean } = {}): Promise<ScheduleWithTasks> {
  const found = id === null ? null : await findSchedule(db, access.server.id, id, options);
  if (!found) throw notFound();
  return found;
}

export function loadTask(found: ScheduleWithTasks, taskId: number | null): ScheduleTaskRow {
  const task = taskId === null ? undefined : found.tasks.find((t) => t.id === taskId);
  if (!task) throw notFound();
  return task;
}

export const cronOf = (s: ScheduleRow) => ({
  minute: s.cronMinute, hour: s.cronHour, day_of_month: s.cronDayOfMonth, month: s.cronMonth, day_of_week: s.cronDayOfWeek,
});
