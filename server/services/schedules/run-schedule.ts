import { HttpError } from '../../http/errors';
import { dequeueTask, finishRun, findRunContext, queuedTasks, renewRunLease } from '@db/repositories/schedules';
import type { ScheduleTaskRow } from '@db/schema/schedules';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { pause } from '../../jobs/background';
import { logActivity } from '../activity';
import { accessFrom, isTransient } from '../server-access';
import { leaseFrom, type ClaimedRun } from './claim-run';
import { taskPermission } from './schedule-access';
import { TASK_ACTION_DEFS } from './task-actions';

/** Who a run acts as: the run's user, with no request behind it (contracts). */
const schedulerActor = (user: Actor['user']): Actor => ({ user, apiKey: null, ip: '', userAgent: 'cohost-scheduler' });

type Outcome = 'ran' | 'failed' | 'stop';

/**
 * Runs a claimed run to its end: each queued task in sequence order, after its time offset, taken off the queue
 * (only while the run is still ours) and then checked against the run user's LIVE keys — a task whose key they lost
 * (or who lost the server) is skipped and logged `server:schedule.task-denied`. A failed or denied task stops the run
 * unless it continues on failure. The lease is renewed while the run lasts; when this instance stops or loses the
 * database for longer than the lease, another instance takes the run over with what is still queued.
 */
export async function runSchedule(app: AppContext, run: ClaimedRun): Promise<void> {
  const lost = new AbortController();
  const onStop = () => lost.abort();
  app.work.signal.addEventListener('abort', onStop, { once: true });
  const heartbeat = setInterval(() => {
    renewRunLease(app.db, run.scheduleId, run.token, leaseFrom(app, app.clock.now()))
      .then((ours) => { if (!ours) lost.abort(); })
      .catch((err: unknown) => app.logger.warn({ err, schedule: run.scheduleId }, 'schedule lease renewal failed; retrying'));
  }, Math.max(100, Math.floor(app.config.RUNNER_LEASE_MS / 3)));
  try {
    let first = true;
    for (;;) {
      const [task] = await queuedTasks(app.db, run.scheduleId);
      if (!task) break;
      const skipOffset = first && run.manual && !run.resumed;
      first = false;
      if (!skipOffset && task.timeOffset > 0 && !(await pause(task.timeOffset * 1000, lost.signal))) return;
      if (lost.signal.aborted) return;
      const outcome = await runTask(app, run, task);
      if (outcome === 'stop') return;
      if (outcome === 'failed' && !task.continueOnFailure) break;
    }
    await finishRun(app.db, run.scheduleId, run.token, app.clock.now());
  } catch (err) {
    // The lease runs out and the run is taken over; nothing here may crash the panel.
    app.logger.warn({ err, schedule: run.scheduleId }, 'schedule run interrupted; its lease hands it over');
  } finally {
    clearInterval(heartbeat);
    app.work.signal.removeEventListener('abort', onStop);
  }
}

async function runTask(app: AppContext, run: ClaimedRun, task: ScheduleTaskRow): Promise<Outcome> {
  const now = app.clock.now();
  if (!(await dequeueTask(app.db, run.scheduleId, task.id, run.token, now))) return 'stop'; // no longer ours
  const ctx = await findRunContext(app.db, run.scheduleId);
  if (!ctx) return 'stop';
  const { server, user, subuser, schedule } = ctx;
  if (server.suspended || isTransient(server)) {
    app.logger.info({ schedule: schedule.id, server: server.uuid }, 'schedule run ended: the server is suspended or busy');
    await finishRun(app.db, run.scheduleId, run.token, app.clock.now());
    return 'stop';
  }
  if (schedule.onlyWhenOnline && (await app.daemon.status({ uuid: server.uuid, startupCommand: server.startupCommand, nodeId: server.nodeId })) !== 'running') {
    await finishRun(app.db, run.scheduleId, run.token, app.clock.now());
    return 'stop';
  }
  const permission = taskPermission(task);
  const access = user && user.status === 'active' && !user.suspended ? accessFrom(user, server, subuser) : null;
  if (!user || !access || !access.permissions.has(permission)) {
    await logActivity(app.db, app.clock, {
      event: 'server:schedule.task-denied', actor: user ? schedulerActor(user) : null, serverId: server.id,
      properties: { task: task.id, permission, schedule: schedule.id, action: task.action },
    });
    return 'failed';
  }
  try {
    await TASK_ACTION_DEFS[task.action].run(app, schedulerActor(user), access, task.payload);
    return 'ran';
  } catch (err) {
    app.logger.info({ err, schedule: schedule.id, task: task.id }, 'schedule task failed');
    // Recorded for the Activity tab and the schedule-failures health check; only a refusal's own text is shown.
    await logActivity(app.db, app.clock, {
      event: 'server:schedule.task-failed', actor: schedulerActor(user), serverId: server.id,
      properties: { task: task.id, schedule: schedule.id, action: task.action, error: err instanceof HttpError ? err.detail : 'The task failed.' },
    }).catch((logErr: unknown) => app.logger.warn({ err: logErr }, 'schedule task failure could not be recorded'));
    return 'failed';
  }
}
