import { countServerEventsSince } from '@db/repositories/health';
import type { HealthCheck } from './types';

const WINDOW_MS = 24 * 3_600_000;
const DENIED = 'server:schedule.task-denied';
const FAILED = 'server:schedule.task-failed';

/** Schedule failures (DESIGN §16, §18): tasks skipped for a missing key, or that failed, in the last 24 hours. */
export const scheduleFailuresCheck: HealthCheck = {
  name: 'schedule_failures',
  async run(app, server) {
    const counts = await countServerEventsSince(app.db, server.id, [DENIED, FAILED], new Date(app.clock.now().getTime() - WINDOW_MS));
    const denied = counts[DENIED] ?? 0;
    const failed = counts[FAILED] ?? 0;
    if (!denied && !failed) return { status: 'ok', detail: 'No schedule task was denied or failed in the last 24 hours.', recommendation: '' };
    const parts = [denied ? `${denied} task${denied > 1 ? 's were' : ' was'} denied` : '', failed ? `${failed} task${failed > 1 ? 's' : ''} failed` : ''].filter(Boolean);
    return {
      status: 'warn', detail: `In the last 24 hours ${parts.join(' and ')} (see the Activity tab).`,
      recommendation: denied
        ? 'A denied task runs with the keys of the schedule\'s last saver: have someone who holds the task\'s key save the schedule again.'
        : 'Read the failed tasks in the activity log: a stopped server, a reached backup limit or a throttle are the usual causes.',
    };
  },
};
