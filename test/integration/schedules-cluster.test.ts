import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { insertSchedule, insertTask } from '@db/repositories/schedules';
import { bootCohost, type Cohost } from '@server/boot';
import { enqueueJob } from '@server/jobs/enqueue';
import { defineJob, type JobHandlers } from '@server/jobs/handlers';
import { jobsSweep } from '@server/jobs/run-jobs';
import { SWEEPS } from '@server/jobs/sweeps';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser } from '../factories/records';
import { killToOffline, startRunning } from '../matrix/processes';
import { activityOf, eventually, rows } from './schedules-support';

/**
 * Two panel instances on ONE database, both running the runner (real time, short ticks): every due schedule run and
 * every queued job happens exactly once. They share one daemon (one host's game servers), as two panels in front of
 * one Wings node would.
 */
const ran: Array<{ job: number; panel: string }> = [];
const handlers: JobHandlers = {
  'test.cluster': defineJob({
    payload: z.object({ n: z.number() }),
    run: async (app, _p, job) => {
      ran.push({ job: job.id, panel: app.config.DATA_DIR });
      await new Promise((r) => setTimeout(r, 5)); // a little work, so claims of both panels interleave
    },
  }),
};
const sweeps = [...SWEEPS, jobsSweep(handlers)];
const env = { RUNNER_TICK_MS: '50', RUNNER_LEASE_MS: '3000' };

let a: TestPanel;
let b: Cohost;
let bDir: string;
beforeAll(async () => {
  process.env.SAMPLE_BOOT_MS = '0';
  a = await startTestPanel({ env, sweeps });
  bDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-panel-b-'));
  b = await bootCohost({
    env: { DATABASE_URL: a.database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: bDir, SFTP_PORT: '0', SFTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
    adapters: { daemon: a.app.daemon }, sweeps,
  });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  if (bDir) rmSync(bDir, { recursive: true, force: true });
});

describe('two panel instances on one database', () => {
  it('run each due schedule exactly once, round after round', async () => {
    const owner = await makeUser(a.app.db);
    const server = await makeServer(a.app.db, owner);
    await startRunning(a.app, server);
    try {
      const now = new Date();
      const ids: number[] = [];
      for (let i = 0; i < 40; i++) {
        const id = await insertSchedule(a.app.db, {
          serverId: server.id, name: `c${i}`, cronMinute: '0', cronHour: '4', cronDayOfMonth: '*', cronMonth: '*', cronDayOfWeek: '*',
          nextRunAt: new Date(Date.now() + 86_400_000), lastSavedBy: owner.id, createdAt: now, updatedAt: now,
        });
        await insertTask(a.app.db, { scheduleId: id, sequenceId: 1, action: 'command', payload: `say c${id}`, createdAt: now, updatedAt: now });
        ids.push(id);
      }
      const rounds = 3;
      for (let round = 1; round <= rounds; round++) {
        const since = new Date(Date.now() - 1);
        await a.app.pool.query('UPDATE schedules SET next_run_at = NOW(3) WHERE server_id = ?', [server.id]);
        await eventually(async () => {
          const [row] = await rows<{ n: number }>(a.app, 'SELECT COUNT(*) AS n FROM schedules WHERE server_id = ? AND is_processing = 0 AND last_run_at >= ?', [server.id, since]);
          return Number(row?.n) === ids.length;
        }, `round ${round}`);
      }
      const sent = (await activityOf(a.app, server.id, 'server:console.command')).map((r) => String(r.properties.command));
      const perSchedule = new Map<string, number>();
      for (const c of sent) perSchedule.set(c, (perSchedule.get(c) ?? 0) + 1);
      expect(perSchedule.size).toBe(ids.length);
      expect([...perSchedule.values()].every((n) => n === rounds), JSON.stringify([...perSchedule])).toBe(true);
    } finally {
      await killToOffline(a.app, server);
    }
  });

  it('run each queued job exactly once, both instances taking part', async () => {
    const ids: number[] = [];
    for (let n = 0; n < 300; n++) ids.push((await enqueueJob(a.app.db, { kind: 'test.cluster', payload: { n } }))!);
    await eventually(async () => {
      const [row] = await rows<{ n: number }>(a.app, "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'test.cluster' AND status = 'done'");
      return Number(row?.n) === ids.length;
    }, 'all jobs done', 60_000);
    const byJob = new Map<number, number>();
    for (const r of ran) byJob.set(r.job, (byJob.get(r.job) ?? 0) + 1);
    expect(byJob.size).toBe(ids.length);
    expect([...byJob.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(ran.map((r) => r.panel)).size).toBe(2);
  });
});
