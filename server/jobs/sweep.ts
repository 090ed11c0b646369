import type { AppContext } from '../context';

/**
 * Work the runner calls every tick (contracts). A sweep claims its own due rows with `SELECT … FOR UPDATE SKIP
 * LOCKED` (or a lease), so two panel instances never run the same row twice; it may start background work with
 * `app.work.track`. Errors it throws are logged by the runner and retried with backoff.
 */
export interface Sweep {
  readonly name: string;
  run(app: AppContext, now: Date): Promise<void>;
}
