import type { AppContext } from '../context';
import { pause } from './background';
import type { Sweep } from './sweep';

export interface Runner {
  /** Rounds completed since start (every sweep ran without error). */
  readonly rounds: number;
  /** Consecutive failed rounds (0 when the last round went through). */
  readonly failures: number;
  stop(): Promise<void>;
}

/** Backoff after `failures` consecutive failed rounds: doubling from the tick, capped at 30 s. */
export const backoffMs = (tickMs: number, failures: number) => Math.min(30_000, tickMs * 2 ** Math.min(failures, 10));

/**
 * The one durable runner (DESIGN §16, contracts): every `RUNNER_TICK_MS` it calls each sweep in turn. It never
 * crashes the panel: a sweep's error (the database gone, a deadlock) is logged and the round retried with backoff,
 * so the runner picks up again by itself when the database is back.
 */
export function startRunner(app: AppContext, sweeps: readonly Sweep[]): Runner {
  const state = { rounds: 0, failures: 0 };
  const loop = (async () => {
    while (!app.work.stopping) {
      let failed = false;
      for (const sweep of sweeps) {
        if (app.work.stopping) break;
        try {
          await sweep.run(app, app.clock.now());
        } catch (err) {
          failed = true;
          app.logger.warn({ err, sweep: sweep.name, failures: state.failures + 1 }, 'runner sweep failed; retrying with backoff');
        }
      }
      if (failed) state.failures++;
      else { state.failures = 0; state.rounds++; }
      await pause(failed ? backoffMs(app.config.RUNNER_TICK_MS, state.failures) : app.config.RUNNER_TICK_MS, app.work.signal);
    }
  })();
  return {
    get rounds() { return state.rounds; },
    get failures() { return state.failures; },
    stop: async () => { await app.work.stop(); await loop; },
  };
}
