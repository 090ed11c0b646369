/**
 * The panel's background work (schedule runs, queued jobs), one per panel instance: it knows what is in flight so
 * shutting down stops waiting at once. Work cut short this way is not lost: its lease runs out and another instance
 * (or this one after a restart) takes it over.
 */
import { setMaxListeners } from 'node:events';

export class BackgroundWork {
  private readonly running = new Set<Promise<unknown>>();
  private readonly controller = new AbortController();

  constructor() {
    setMaxListeners(0, this.controller.signal); // every run in flight listens for the stop
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get stopping(): boolean {
    return this.controller.signal.aborted;
  }

  /** Keeps `work` in flight until it settles; its errors are the caller's to handle first. */
  track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.running.delete(tracked));
    tracked.catch(() => undefined);
    this.running.add(tracked);
  }

  get inFlight(): number {
    return this.running.size;
  }

  /** Stops waiting work and waits for what is running to settle. */
  async stop(): Promise<void> {
    this.controller.abort();
    await Promise.allSettled([...this.running]);
  }
}

/** Waits `ms`, or less when `signal` aborts; resolves true when the full time passed. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(true); }, Math.max(0, ms));
    const onAbort = () => { clearTimeout(timer); resolve(false); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
