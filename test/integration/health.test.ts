import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';

let panel: TestPanel;
let owner: UserRow;
let client: HttpClient;

type Check = { check: string; status: string; detail: string; recommendation: string };

async function health(server: ServerRow, refresh = true): Promise<{ checks: Record<string, Check>; meta: { cached: boolean; checked_at: string } }> {
  const res = await client.get(`/api/client/servers/${server.identifier}/health${refresh ? '?refresh=1' : ''}`);
  expect(res.status, res.text).toBe(200);
  const checks = Object.fromEntries((res.body.data as Array<{ attributes: Check }>).map((d) => [d.attributes.check, d.attributes]));
  return { checks, meta: res.body.meta };
}

const state = (server: ServerRow) => panel.app.daemon.status({ uuid: server.uuid, startupCommand: server.startupCommand });

async function until(test: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
}

async function power(server: ServerRow, signal: string): Promise<void> {
  const res = await client.post(`/api/client/servers/${server.identifier}/power`, { signal });
  expect(res.status, res.text).toBe(204);
}

beforeAll(async () => {
  process.env.SAMPLE_BOOT_MS = '0';
  panel = await startTestPanel();
  owner = await makeUser(panel.app.db);
  client = new HttpClient(panel.url);
  await client.login(owner.email, TEST_PASSWORD);
  await client.get('/api/client');
});
afterAll(async () => { await panel?.close(); });

describe('health checks', () => {
  it('reports every check for a quiet server, cached for 30 s unless refreshed', async () => {
    const server = await makeServer(panel.app.db, owner);
    const first = await health(server, false);
    expect(Object.keys(first.checks)).toEqual([
      'process_state', 'crash_loop', 'disk_usage', 'memory_usage', 'primary_port', 'backup_age', 'variables', 'schedule_failures',
    ]);
    // A bare factory server has no allocation and no backup: those two say so (health-features.test.ts).
    expect(Object.values(first.checks).map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'warn', 'warn', 'ok', 'ok']);
    expect(first.meta.cached).toBe(false);
    const again = await health(server, false);
    expect(again.meta).toMatchObject({ cached: true, checked_at: first.meta.checked_at });
    expect((await health(server, true)).meta.cached).toBe(false);
  });

  it('detects a crash loop (3 unexpected exits in 10 minutes) and a server that should be running', async () => {
    const server = await makeServer(panel.app.db, owner, { startupCommand: 'sh -c "echo booting; exit 3"' });
    for (let i = 1; i <= 3; i++) {
      await power(server, 'start');
      await until(() => state(server) === 'offline', 'the crash');
      const { checks } = await health(server);
      expect(checks.crash_loop?.status).toBe(i < 3 ? 'warn' : 'fail');
      expect(checks.crash_loop?.detail).toContain(`crashed ${i} time`);
    }
    const { checks } = await health(server);
    expect(checks.crash_loop?.detail).toContain('exit code 3');
    expect(checks.crash_loop?.recommendation).not.toBe('');
    expect(checks.process_state).toMatchObject({ status: 'fail', detail: expect.stringContaining('should be running') });
  });

  it('does not count stops as crashes, and sees a running server within its memory limit or over it', async () => {
    const server = await makeServer(panel.app.db, owner, { memory: 4096 });
    await power(server, 'start');
    await until(() => state(server) === 'running', 'running');
    let report = await health(server);
    expect(report.checks.process_state?.status).toBe('ok');
    expect(report.checks.memory_usage).toMatchObject({ status: 'ok', detail: expect.stringContaining('of 4096.0 MiB') });
    await panel.app.pool.query('UPDATE servers SET memory = 1 WHERE id = ?', [server.id]);
    report = await health(server);
    expect(report.checks.memory_usage).toMatchObject({ status: 'fail', detail: expect.stringContaining('of 1.0 MiB') });
    await power(server, 'stop');
    await until(() => state(server) === 'offline', 'stopped');
    report = await health(server);
    expect(report.checks.crash_loop?.status).toBe('ok');
    expect(report.checks.process_state?.status).toBe('ok');
  });

  it('compares disk use with the disk limit: ok, warn from 90 %, fail at the limit', async () => {
    const MiB = 1024 * 1024;
    for (const [bytes, expected] of [[MiB / 2, 'ok'], [0.95 * MiB, 'warn'], [1.2 * MiB, 'fail']] as const) {
      const server = await makeServer(panel.app.db, owner, { disk: 1 });
      const root = serverRoot(panel.dataDir, server.uuid);
      mkdirSync(root, { recursive: true });
      writeFileSync(path.join(root, 'world.dat'), Buffer.alloc(Math.round(bytes)));
      const { checks } = await health(server);
      expect(checks.disk_usage?.status, checks.disk_usage?.detail).toBe(expected);
      if (expected !== 'ok') expect(checks.disk_usage?.recommendation).not.toBe('');
    }
  });
});
