import type { AppContext } from '../../context';
import { badRequest, conflict } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { claimRun } from './claim-run';
import { runSchedule } from './run-schedule';
import { loadSchedule, requireKey, requireTaskKey } from './schedule-access';

/**
 * `POST /schedules/{id}/execute` (202): runs the schedule now, whether active or not, as Pterodactyl does. The actor
 * must hold every task's key (no privilege bleed) and the run acts with the actor's live keys. The run is claimed
 * in the database like a scheduled one, so it is exactly-once and survives this instance's death (its lease hands it
 * over); `next_run_at` is left as it was.
 */
export async function executeSchedule(app: AppContext, actor: Actor, access: ServerAccess, id: number | null): Promise<void> {
  requireKey(access, 'schedule.update');
  const now = app.clock.now();
  const run = await app.db.transaction(async (tx) => {
    const { schedule, tasks } = await loadSchedule(tx, access, id, { lock: true });
    if (!tasks.length) throw badRequest('Cannot process schedule for task execution: no tasks are registered.');
    for (const task of tasks) requireTaskKey(access, task);
    if (schedule.isProcessing) throw conflict('This schedule is already running; wait for the run to finish.');
    const claimed = await claimRun(tx, app, schedule, now, { runBy: actor.user.id, manual: true });
    await logActivity(tx, app.clock, { event: 'server:schedule.execute', actor, serverId: access.server.id, properties: { id: schedule.id, name: schedule.name } });
    return claimed;
  });
  app.work.track(runSchedule(app, run));
}
