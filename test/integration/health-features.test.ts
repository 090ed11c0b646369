import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { saveServerStartup, setServerVariable } from '@db/repositories/startup';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { logActivity } from '@server/services/activity';
import { addAllocations } from '@server/services/network/add-allocations';
import { claimFreeAllocation } from '@server/services/network/assign-allocation';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { killToOffline, startRunning } from '../matrix/processes';

// The health checks that read other features' data (DESIGN §18): the primary port, backups vs policy, variables
// against their rules, schedule failures. Each is driven into its warning or failure and back.
let panel: TestPanel;
let owner: UserRow;
let client: HttpClient;
const running: ServerRow[] = [];

type Check = { check: string; status: string; detail: string; recommendation: string };
async function checks(server: ServerRow): Promise<Record<string, Check>> {
  const res = await client.get(`/api/client/servers/${server.identifier}/health?refresh=1`);
  expect(res.status, res.text).toBe(200);
  return Object.fromEntries((res.body.data as Array<{ attributes: Check }>).map((d) => [d.attributes.check, d.attributes]));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A server with a primary allocation on a free loopback port. */
async function withPrimary(startupCommand: string): Promise<ServerRow> {
  const server = await makeServer(panel.app.db, owner, { startupCommand });
  const port = await freePort();
  await addAllocations(panel.app.db, { ip: '127.0.0.1', ports: String(port), nodeId: null }, new Date());
  expect(await claimFreeAllocation(panel.app.db, server, new Date())).not.toBeNull();
  return server;
}

beforeAll(async () => {
  process.env.SAMPLE_BOOT_MS = '0';
  panel = await startTestPanel();
  owner = await makeUser(panel.app.db);
  client = new HttpClient(panel.url);
  await client.login(owner.email, TEST_PASSWORD);
  await client.get('/api/health');
});
afterEach(async () => { for (const s of running.splice(0)) await killToOffline(panel.app, s); });
afterAll(async () => { await panel?.close(); });

describe('primary port', () => {
  it('warns without a primary allocation, fails while running with nothing listening, passes when the game listens', async () => {
    expect((await checks(await makeServer(panel.app.db, owner))).primary_port?.status).toBe('warn');

    const silent = await withPrimary(`node -e "console.log('Done (0.1s)!'); setInterval(() => {}, 1000)"`);
    expect((await checks(silent)).primary_port?.status).toBe('ok'); // offline: not judged
    await startRunning(panel.app, silent);
    running.push(silent);
    const failing = (await checks(silent)).primary_port;
    expect(failing?.status).toBe('fail');
    expect(failing?.detail).toMatch(/nothing accepts connections/);

    // Started as the panel starts it (power route: its run spec carries SERVER_IP/SERVER_PORT).
    const game = await withPrimary('node sample-game-server.mjs');
    expect((await client.post(`/api/client/servers/${game.identifier}/power`, { signal: 'start' })).status).toBe(204);
    for (let i = 0; i < 200 && panel.app.daemon.status(game) !== 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    running.push(game);
    expect((await checks(game)).primary_port?.status).toBe('ok');
  });
});

describe('backup age', () => {
  it('follows the policy: too old or missing warns, a fresh successful backup passes', async () => {
    const server = await makeServer(panel.app.db, owner);
    expect((await checks(server)).backup_age?.status).toBe('warn'); // no policy, no backup
    const insert = (completedAt: Date) => panel.app.pool.query(
      'INSERT INTO backups (uuid, server_id, name, ignored_files, checksum, bytes, is_successful, created_at, updated_at, completed_at) VALUES (UUID(), ?, ?, ?, ?, 10, 1, ?, ?, ?)',
      [server.id, 'b', '[]', 'sha1:x', completedAt, completedAt, completedAt]);
    await insert(new Date(Date.now() - 8 * 86_400_000));
    expect((await checks(server)).backup_age?.status).toBe('warn'); // a week old, no policy
    await insert(new Date(Date.now() - 86_400_000));
    expect((await checks(server)).backup_age?.status).toBe('ok');

    const hourly = await client.put(`/api/client/servers/${server.identifier}/backups/policy`, { cron: '0 * * * *', keep: 3, ignored: '', is_active: true });
    expect(hourly.status, hourly.text).toBeLessThan(300);
    const stale = (await checks(server)).backup_age;
    expect(stale?.status).toBe('warn'); // hourly policy, newest backup a day old
    expect(stale?.detail).toContain('0 * * * *');
    await insert(new Date());
    expect((await checks(server)).backup_age?.status).toBe('ok');
  });
});

describe('variables', () => {
  it('fails for a value its rules refuse and names it', async () => {
    const server = await makeServer(panel.app.db, owner);
    expect((await checks(server)).variables?.status).toBe('ok'); // a plain command
    await saveServerStartup(panel.app.db, { serverId: server.id, softwareId: 'sample-game', dockerImage: 'ghcr.io/pterodactyl/yolks:nodejs_20', updatedAt: new Date() });
    expect((await checks(server)).variables?.status).toBe('ok'); // defaults pass
    await setServerVariable(panel.app.db, server.id, 'WORLD_NAME', 'no spaces allowed!', new Date());
    const failing = (await checks(server)).variables;
    expect(failing?.status).toBe('fail');
    expect(failing?.detail).toContain('WORLD_NAME');
  });
});

describe('schedule failures', () => {
  it('warns for tasks denied or failed in the last 24 hours, not older ones', async () => {
    const server = await makeServer(panel.app.db, owner);
    const old = { now: () => new Date(Date.now() - 25 * 3_600_000) };
    await logActivity(panel.app.db, old, { event: 'server:schedule.task-failed', actor: null, serverId: server.id, properties: { task: 1 } });
    expect((await checks(server)).schedule_failures?.status).toBe('ok');
    await logActivity(panel.app.db, panel.app.clock, { event: 'server:schedule.task-denied', actor: null, serverId: server.id, properties: { task: 1, permission: 'control.console' } });
    const warned = (await checks(server)).schedule_failures;
    expect(warned?.status).toBe('warn');
    expect(warned?.detail).toContain('1 task was denied');
  });
});
