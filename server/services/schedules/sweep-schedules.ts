import { lockDueSchedules, lockStaleRuns, queueAllTasks } from '@db/repositories/schedules';
import type { AppContext } from '../../context';
import { claimRun, takeOverRun, type ClaimedRun } from './claim-run';
import { nextRunAt } from './cron';
import { runSchedule } from './run-schedule';
import { cronOf } from './schedule-access';

/** How many rows one sweep claims per round (the rest wait for the next tick, a second later by default). */
export const CLAIM_BATCH = 100;

/**
 * One round of the schedules sweep: takes over runs whose lease ran out, then claims the schedules that are due,
 * each in one short transaction with `FOR UPDATE SKIP LOCKED`, so two panel instances never claim one row. The
 * claim moves `next_run_at` on (computed from now: runs missed while every panel was down collapse into one, as
 * cron does), then the runs start in the background of this instance.
 */
export async function sweepSchedules(app: AppContext, now: Date): Promise<ClaimedRun[]> {
  const runs = await app.db.transaction(async (tx) => {
    const claimed: ClaimedRun[] = [];
    for (const stale of await lockStaleRuns(tx, now, CLAIM_BATCH)) {
      app.logger.info({ schedule: stale.id }, 'taking over a schedule run whose lease ran out');
      claimed.push(await takeOverRun(tx, app, stale, now));
    }
    const fresh: number[] = [];
    for (const due of await lockDueSchedules(tx, now, CLAIM_BATCH)) {
      const next = nextRunAt(cronOf(due), app.config.APP_TIMEZONE, now);
      claimed.push(await claimRun(tx, app, due, now, { runBy: due.lastSavedBy, manual: false, nextRunAt: next, queueLater: true }));
      fresh.push(due.id);
    }
    await queueAllTasks(tx, fresh, now);
    return claimed;
  });
  for (const run of runs) app.work.track(runSchedule(app, run));
  return runs;
}
