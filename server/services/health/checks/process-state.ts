import { lastPowerEvent } from '@db/repositories/health';
import { serverRunSpec } from '@db/repositories/server-environment';
import type { HealthCheck } from './types';

/** What the members last asked for: a start or restart means running, a stop or kill offline, nothing offline. */
function desiredOf(event: string | null): 'running' | 'offline' {
  return event === 'server:power.start' || event === 'server:power.restart' ? 'running' : 'offline';
}

/** Process state vs desired state: the last power signal (HTTP or socket, from the activity log) vs the daemon. */
export const processStateCheck: HealthCheck = {
  name: 'process_state',
  async run(app, server) {
    const last = await lastPowerEvent(app.db, server.id);
    const desired = desiredOf(last?.event ?? null);
    const actual = app.daemon.status(await serverRunSpec(app.db, server));
    const asked = last ? `last asked to ${last.event.replace('server:power.', '')} at ${last.timestamp.toISOString()}` : 'never started';
    if (desired === 'running') {
      if (actual === 'running') return { status: 'ok', detail: `Running, as asked (${asked}).`, recommendation: '' };
      if (actual === 'starting') return { status: 'ok', detail: `Starting (${asked}).`, recommendation: '' };
      return {
        status: 'fail', detail: `The server is ${actual} but should be running (${asked}).`,
        recommendation: 'Start the server; if it stops again, read the last lines of the console for the cause.',
      };
    }
    if (actual === 'offline' || actual === 'stopping') return { status: 'ok', detail: `Offline, as asked (${asked}).`, recommendation: '' };
    return {
      status: 'warn', detail: `The server is ${actual} although it was ${asked}.`,
      recommendation: 'Someone started it outside the panel, or a stop did not take effect: stop it again or start it from the panel.',
    };
  },
};
