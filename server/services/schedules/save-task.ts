import { findSchedule, shiftSequences, updateSchedule, type ScheduleWithTasks } from '@db/repositories/schedules';
import type { ScheduleTaskRow } from '@db/schema/schedules';
import type { Tx } from '@db/client';
import type { Actor, ServerAccess } from '../../http/types';
import type { TaskInput } from './inputs';
import { requireKey, requireTaskKey } from './schedule-access';
import { TASK_ACTION_DEFS } from './task-actions';

/** The task as it will be stored: payload normalised by its action (which refuses what it cannot do). */
export interface CheckedTask {
  readonly action: TaskInput['action'];
  readonly payload: string;
  readonly timeOffset: number;
  readonly continueOnFailure: boolean;
}

/**
 * What creating and updating a task share: `schedule.update`, a payload the action accepts, and no privilege bleed —
 * the actor must hold the new task's key, and (as saving makes them the schedule's last saver, whose keys its runs
 * use) the key of every other task of the schedule too.
 */
export function checkTask(access: ServerAccess, input: TaskInput, current?: ScheduleTaskRow): CheckedTask {
  requireKey(access, 'schedule.update');
  const payload = TASK_ACTION_DEFS[input.action].validate(input.payload);
  requireTaskKey(access, { action: input.action, payload });
  return {
    action: input.action, payload, timeOffset: input.time_offset,
    continueOnFailure: input.continue_on_failure ?? current?.continueOnFailure ?? false,
  };
}

export function requireOtherTaskKeys(access: ServerAccess, found: ScheduleWithTasks, exceptId?: number): void {
  for (const task of found.tasks) if (task.id !== exceptId) requireTaskKey(access, task);
}

/** Where a task asking for `wanted` lands among `count` others: 1…count+1 (Pterodactyl appends when unset). */
export const placeFor = (wanted: number | undefined, count: number) => Math.min(wanted ?? count + 1, count + 1);

/** Opens a gap at `place` for an inserted task. */
export async function openGap(tx: Tx, scheduleId: number, place: number): Promise<void> {
  await shiftSequences(tx, scheduleId, place, 1);
}

/** The schedule was saved by `actor`: their live keys are what its runs will use from now on. */
export async function markSaved(tx: Tx, scheduleId: number, actor: Actor, now: Date): Promise<void> {
  await updateSchedule(tx, scheduleId, { lastSavedBy: actor.user.id, updatedAt: now });
}

export async function reload(tx: Tx, serverId: number, scheduleId: number, taskId: number): Promise<ScheduleTaskRow> {
  const found = await findSchedule(tx, serverId, scheduleId);
  const task = found?.tasks.find((t) => t.id === taskId);
  if (!task) throw new Error('saved task not found');
  return task;
}
