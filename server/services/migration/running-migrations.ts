/** Why a running migration was stopped in-process. */
export type StopReason = 'cancel' | 'shutdown';

/**
 * The migrations this panel instance is executing (DESIGN §18): each runs in-process in the instance that accepted
 * it and can be stopped here (cancel) or all at once when the panel shuts down. Durable state lives in the
 * `migrations` table; this only holds what cannot be shared: the AbortController of each job.
 */
export class RunningMigrations {
  private readonly jobs = new Map<number, { controller: AbortController; done: Promise<void> }>();
  private closed = false;

  /** Starts `run` without waiting for it; its rejections are its own to record (it logs them). */
  launch(id: number, run: (signal: AbortSignal) => Promise<void>): void {
    if (this.closed) throw new Error('The panel is shutting down.');
    const controller = new AbortController();
    const done = run(controller.signal).catch(() => undefined).finally(() => this.jobs.delete(id));
    this.jobs.set(id, { controller, done });
  }

  has(id: number): boolean {
    return this.jobs.has(id);
  }

  /** Stops a local job and waits until it has recorded its end; false when it does not run here. */
  async stop(id: number, reason: StopReason): Promise<boolean> {
    const job = this.jobs.get(id);
    if (!job) return false;
    job.controller.abort(reason);
    await job.done;
    return true;
  }

  /** Waits for a local job to end on its own (tests, shutdown). */
  async settled(id: number): Promise<void> {
    await this.jobs.get(id)?.done;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.jobs.keys()].map((id) => this.stop(id, 'shutdown')));
  }
}
