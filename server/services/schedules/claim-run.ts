import { randomUUID } from 'node:crypto';
import { queueAllTasks, updateSchedule } from '@db/repositories/schedules';
import type { Tx } from '@db/client';
import type { ScheduleRow } from '@db/schema/schedules';
import type { AppContext } from '../../context';

/** A run this instance holds: only the holder of `token` may take its tasks off the queue or end it. */
export interface ClaimedRun {
  readonly scheduleId: number;
  readonly serverId: number;
  readonly token: string;
  readonly manual: boolean;
  /** Taken over from an instance whose lease ran out: the tasks still queued are the ones left to run. */
  readonly resumed: boolean;
}

export const leaseFrom = (app: AppContext, now: Date) => new Date(now.getTime() + app.config.RUNNER_LEASE_MS);

/**
 * Starts a run inside the caller's transaction (the schedule row is locked): processing, a fresh token and lease,
 * whose keys it uses (`runBy`), and every task queued.
 */
export async function claimRun(
  tx: Tx, app: AppContext, schedule: ScheduleRow, now: Date,
  how: { runBy: number | null; manual: boolean; nextRunAt?: Date | null; queueLater?: boolean },
): Promise<ClaimedRun> {
  const token = randomUUID();
  await updateSchedule(tx, schedule.id, {
    isProcessing: true, runToken: token, leaseUntil: leaseFrom(app, now), runBy: how.runBy, runManual: how.manual,
    ...(how.nextRunAt !== undefined ? { nextRunAt: how.nextRunAt } : {}),
  });
  if (!how.queueLater) await queueAllTasks(tx, schedule.id, now); // a sweep queues its whole round at once
  return { scheduleId: schedule.id, serverId: schedule.serverId, token, manual: how.manual, resumed: false };
}

/** Takes over a run whose lease ran out: a new token (the old holder can no longer touch it), the same queue. */
export async function takeOverRun(tx: Tx, app: AppContext, schedule: ScheduleRow, now: Date): Promise<ClaimedRun> {
  const token = randomUUID();
  await updateSchedule(tx, schedule.id, { runToken: token, leaseUntil: leaseFrom(app, now) });
  return { scheduleId: schedule.id, serverId: schedule.serverId, token, manual: schedule.runManual, resumed: true };
}
