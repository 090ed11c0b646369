import { lockDueJobs, lockStaleJobs, updateClaimedJob, updateJob } from '@db/repositories/jobs';
import type { JobRow } from '@db/schema/jobs';
import type { AppContext } from '../context';
import type { JobHandlers } from './handlers';
import type { Sweep } from './sweep';

/** How many jobs one round claims per instance. */
export const JOB_BATCH = 20;

/** Retry backoff after the n-th failed attempt: 2, 4, 8 … times `baseMs` (1 s by default), capped at 10 minutes. */
export const retryDelayMs = (attempts: number, baseMs = 1000) => Math.min(600_000, baseMs * 2 ** Math.max(1, attempts));

/**
 * The queued-jobs sweep, for the kinds `handlers` knows: puts back jobs whose lease ran out (their panel died mid-run), then claims due jobs with
 * SKIP LOCKED — each claim counts an attempt and sets a lease — and runs them in the background. A job's end is
 * written only while the claim still holds it (same attempt, still running), so a job taken over is never finished
 * twice.
 */
export function jobsSweep(handlers: JobHandlers, options: { retryBaseMs?: number } = {}): Sweep {
  return {
    name: 'jobs',
    run: async (app, now) => {
      const kinds = Object.keys(handlers);
      if (!kinds.length) return;
      const claimed = await app.db.transaction(async (tx) => {
        for (const stale of await lockStaleJobs(tx, now, JOB_BATCH, kinds)) {
          const spent = stale.attempts >= stale.maxAttempts;
          await updateJob(tx, stale.id, spent
            ? { status: 'failed', lastError: 'lease expired (the panel running it stopped)', leaseUntil: null, finishedAt: now, updatedAt: now }
            : { status: 'queued', leaseUntil: null, runAt: now, lastError: 'lease expired (the panel running it stopped)', updatedAt: now });
        }
        const due = await lockDueJobs(tx, now, JOB_BATCH, kinds);
        const leaseUntil = new Date(now.getTime() + app.config.RUNNER_LEASE_MS);
        for (const job of due) await updateJob(tx, job.id, { status: 'running', attempts: job.attempts + 1, leaseUntil, updatedAt: now });
        return due.map((job) => ({ ...job, status: 'running' as const, attempts: job.attempts + 1, leaseUntil }));
      });
      for (const job of claimed) app.work.track(runJob(app, handlers, job, options.retryBaseMs));
    },
  };
}

async function runJob(app: AppContext, handlers: JobHandlers, job: JobRow, retryBaseMs?: number): Promise<void> {
  const heartbeat = setInterval(() => {
    updateClaimedJob(app.db, job.id, job.attempts, { leaseUntil: new Date(app.clock.now().getTime() + app.config.RUNNER_LEASE_MS) })
      .catch((err: unknown) => app.logger.warn({ err, job: job.id }, 'job lease renewal failed; retrying'));
  }, Math.max(100, Math.floor(app.config.RUNNER_LEASE_MS / 3)));
  try {
    const handler = handlers[job.kind];
    let error: string | null = null;
    if (!handler) error = `no handler for job kind "${job.kind}"`;
    else {
      const parsed = handler.payload.safeParse(job.payload);
      if (!parsed.success) error = `invalid payload: ${parsed.error.issues.map((i) => i.message).join('; ')}`;
      else {
        try {
          await (handler.run as (a: AppContext, p: unknown, j: JobRow) => Promise<void>)(app, parsed.data, job);
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
        }
      }
    }
    const now = app.clock.now();
    if (error === null) {
      await updateClaimedJob(app.db, job.id, job.attempts, { status: 'done', leaseUntil: null, lastError: null, finishedAt: now, updatedAt: now });
    } else if (!handler || job.attempts >= job.maxAttempts || error.startsWith('invalid payload')) {
      await updateClaimedJob(app.db, job.id, job.attempts, { status: 'failed', leaseUntil: null, lastError: error.slice(0, 4000), finishedAt: now, updatedAt: now });
    } else {
      await updateClaimedJob(app.db, job.id, job.attempts, {
        status: 'queued', leaseUntil: null, lastError: error.slice(0, 4000), runAt: new Date(now.getTime() + retryDelayMs(job.attempts, retryBaseMs)), updatedAt: now,
      });
    }
  } catch (err) {
    app.logger.warn({ err, job: job.id }, 'job bookkeeping failed; its lease hands it over');
  } finally {
    clearInterval(heartbeat);
  }
}
