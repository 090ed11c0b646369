import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findJob } from '@db/repositories/jobs';
import { enqueueJob } from '@server/jobs/enqueue';
import { defineJob, type JobHandlers } from '@server/jobs/handlers';
import { jobsSweep } from '@server/jobs/run-jobs';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { eventually } from './schedules-support';

/** Real handlers of this test's own kinds: they record what they were given, and fail when told to. */
const calls: Array<{ kind: string; n: number; attempt: number; at: number }> = [];
const handlers: JobHandlers = {
  'test.record': defineJob({
    payload: z.object({ n: z.number(), failUntil: z.number().default(0) }),
    run: async (_app, p, job) => {
      calls.push({ kind: 'test.record', n: p.n, attempt: job.attempts, at: Date.now() });
      if (job.attempts <= p.failUntil) throw new Error(`attempt ${job.attempts} failed on purpose`);
    },
  }),
  'test.strict': defineJob({ payload: z.object({ n: z.number() }), run: async () => undefined }),
};

let panel: TestPanel;
beforeAll(async () => {
  // The panel's runner with this test's handlers (the panel's own have none of these kinds).
  panel = await startTestPanel({ env: { RUNNER_TICK_MS: '50', RUNNER_LEASE_MS: '1000' }, sweeps: [jobsSweep(handlers, { retryBaseMs: 20 })] });
});
afterAll(async () => { await panel?.close(); });

const settled = (id: number) => eventually(async () => {
  const job = await findJob(panel.app.db, id);
  return job && (job.status === 'done' || job.status === 'failed') ? job : null;
}, `job ${id} to settle`);

describe('queued jobs', () => {
  it('runs a job once, and retries a failing one with backoff until it succeeds', async () => {
    const ok = await enqueueJob(panel.app.db, { kind: 'test.record', payload: { n: 1 } });
    const flaky = await enqueueJob(panel.app.db, { kind: 'test.record', payload: { n: 2, failUntil: 2 } });
    expect((await settled(ok!)).status).toBe('done');
    const done = await settled(flaky!);
    expect(done).toMatchObject({ status: 'done', attempts: 3, lastError: null });
    expect(calls.filter((c) => c.n === 1).map((c) => c.attempt)).toEqual([1]);
    expect(calls.filter((c) => c.n === 2).map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it('marks a job failed once its attempts run out, with the last error; a bad payload fails at once', async () => {
    const spent = await enqueueJob(panel.app.db, { kind: 'test.record', payload: { n: 3, failUntil: 99 }, maxAttempts: 3 });
    expect(await settled(spent!)).toMatchObject({ status: 'failed', attempts: 3, lastError: 'attempt 3 failed on purpose' });
    const bad = await enqueueJob(panel.app.db, { kind: 'test.strict', payload: { n: 'three' } });
    expect(await settled(bad!)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await findJob(panel.app.db, bad!))?.lastError).toMatch(/^invalid payload/);
  });

  it('leaves a job of a kind this panel has no handler for queued, for a panel that knows it', async () => {
    const unknown = await enqueueJob(panel.app.db, { kind: 'test.nobody', payload: {} });
    const known = await enqueueJob(panel.app.db, { kind: 'test.record', payload: { n: 9 } });
    await settled(known!); // the runner went round at least once since
    expect(await findJob(panel.app.db, unknown!)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('waits for run_at, and deduplicates by key', async () => {
    const runAt = new Date(Date.now() + 700);
    const first = await enqueueJob(panel.app.db, { kind: 'test.record', payload: { n: 4 }, runAt, dedupeKey: 'once-4' });
    const again = await enqueueJob(panel.app.db, { kind: 'test.record', payload: { n: 4 }, dedupeKey: 'once-4' });
    expect(first).not.toBeNull();
    expect(again).toBeNull();
    await settled(first!);
    const seen = calls.filter((c) => c.n === 4);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.at).toBeGreaterThanOrEqual(runAt.getTime());
  });

  it('puts back a job whose panel died mid-run once its lease ran out, and runs it again', async () => {
    const id = await enqueueJob(panel.app.db, { kind: 'test.record', payload: { n: 5 }, runAt: new Date(Date.now() + 3_600_000) });
    await panel.app.pool.query("UPDATE jobs SET status = 'running', attempts = 1, lease_until = NOW(3) - INTERVAL 1 SECOND WHERE id = ?", [id]);
    expect(await settled(id!)).toMatchObject({ status: 'done', attempts: 2 });
    expect(calls.filter((c) => c.n === 5).map((c) => c.attempt)).toEqual([2]);
  });
});
