import { serverRunSpec } from '@db/repositories/server-environment';
import type { HealthCheck } from './types';

export const CRASH_WINDOW_MS = 10 * 60 * 1000;
export const CRASH_LOOP_EXITS = 3;

/** Crash loop: three or more unexpected process exits within ten minutes (exits after a stop or kill do not count). */
export const crashLoopCheck: HealthCheck = {
  name: 'crash_loop',
  async run(app, server) {
    const exits = app.daemon.exits ? app.daemon.exits(await serverRunSpec(app.db, server)) : null;
    if (!exits) {
      return { status: 'warn', detail: 'This server\'s daemon does not report process exits, so crash loops cannot be detected.', recommendation: 'Watch the console for repeated crashes.' };
    }
    const since = app.clock.now().getTime() - CRASH_WINDOW_MS;
    const crashes = exits.filter((e) => !e.expected && e.at.getTime() >= since);
    const last = crashes.at(-1);
    const how = last ? ` (last: ${last.signal ? `signal ${last.signal}` : `exit code ${last.code ?? 'unknown'}`} at ${last.at.toISOString()})` : '';
    if (crashes.length >= CRASH_LOOP_EXITS) {
      return {
        status: 'fail', detail: `The server crashed ${crashes.length} times in the last 10 minutes${how}.`,
        recommendation: 'Stop restarting it and read the console output before the crash: a broken plugin, a bad config or too little memory are the usual causes.',
      };
    }
    if (crashes.length > 0) {
      return { status: 'warn', detail: `The server crashed ${crashes.length} time${crashes.length > 1 ? 's' : ''} in the last 10 minutes${how}.`, recommendation: 'Read the console output around the crash.' };
    }
    return { status: 'ok', detail: 'No crashes in the last 10 minutes.', recommendation: '' };
  },
};
