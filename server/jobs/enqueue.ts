import type { Executor } from '@db/client';
import { insertJob } from '@db/repositories/jobs';

export interface EnqueueOptions {
  readonly kind: string;
  readonly payload: unknown;
  /** When it may run (default: now). */
  readonly runAt?: Date;
  /** At most one job per key: enqueueing again with a key already used is a no-op (returns null). */
  readonly dedupeKey?: string;
  /** Attempts before the job is marked failed (default 5). */
  readonly maxAttempts?: number;
  /** The time the job is enqueued (default: now; services pass `app.clock.now()`). */
  readonly now?: Date;
}

/**
 * Queues one-off durable work (contracts). Pass the transaction of the change that needs it, so the job exists
 * exactly when the change commits. Returns the job id, or null when `dedupeKey` was already used.
 */
export async function enqueueJob(tx: Executor, options: EnqueueOptions): Promise<number | null> {
  const now = options.now ?? new Date();
  return insertJob(tx, {
    kind: options.kind, payload: options.payload ?? null, runAt: options.runAt ?? now, status: 'queued',
    maxAttempts: options.maxAttempts ?? 5, dedupeKey: options.dedupeKey ?? null, createdAt: now, updatedAt: now,
  });
}
