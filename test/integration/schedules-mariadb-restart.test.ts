import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSchedule, insertTask } from '@db/repositories/schedules';
import { startPrivateMariadb, type PrivateMariadb } from '@db/private-mariadb';
import { bootCohost, type Cohost } from '@server/boot';
import { makeServer, makeUser } from '../factories/records';
import { killToOffline, startRunning } from '../matrix/processes';
import { activityOf, eventually, makeDue, scheduleRow } from './schedules-support';

/**
 * The runner survives its database going away: a private MariaDB started here is stopped under a running panel and
 * started again on the same port; the panel keeps answering, the runner logs, backs off and picks up by itself.
 */
let dir: string;
let mariadb: PrivateMariadb;
let port: number;
let panel: Cohost;
const freePort = () => new Promise<number>((resolve) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => { const p = (srv.address() as net.AddressInfo).port; srv.close(() => resolve(p)); });
});

beforeAll(async () => {
  process.env.SAMPLE_BOOT_MS = '0';
  dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-restart-'));
  port = await freePort();
  mariadb = await startPrivateMariadb(path.join(dir, 'mysql'), 'cohost', undefined, { port });
  panel = await bootCohost({
    env: {
      DATABASE_URL: mariadb.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data'), SFTP_PORT: '0', SFTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent', RUNNER_TICK_MS: '100', RUNNER_LEASE_MS: '2000',
    },
  });
}, 120_000);
afterAll(async () => {
  await panel?.close();
  await mariadb?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the runner and a MariaDB restart', () => {
  it('keeps the panel up while the database is gone, then runs due schedules again', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    await startRunning(panel.app, server);
    try {
      const now = new Date();
      const id = await insertSchedule(panel.app.db, {
        serverId: server.id, name: 'survivor', cronMinute: '0', cronHour: '4', cronDayOfMonth: '*', cronMonth: '*', cronDayOfWeek: '*',
        nextRunAt: new Date(Date.now() + 86_400_000), lastSavedBy: owner.id, createdAt: now, updatedAt: now,
      });
      await insertTask(panel.app.db, { scheduleId: id, sequenceId: 1, action: 'command', payload: 'say survived', createdAt: now, updatedAt: now });
      const roundsBefore = panel.runner!.rounds;
      await eventually(async () => panel.runner!.rounds > roundsBefore, 'the runner to go round');

      await mariadb.stop();
      await eventually(async () => panel.runner!.failures >= 2, 'the runner to notice the database is gone');
      const health = await fetch(`${panel.url}/api/health`).catch(() => null);
      expect(health, 'the panel still answers HTTP').not.toBeNull();

      mariadb = await startPrivateMariadb(path.join(dir, 'mysql'), 'cohost', undefined, { port });
      await eventually(async () => panel.runner!.failures === 0, 'the runner to recover', 60_000);
      await makeDue(panel.app, id);
      await eventually(async () => (await scheduleRow(panel.app, id))?.last_run_at, 'the schedule to run after the restart', 30_000);
      expect((await activityOf(panel.app, server.id, 'server:console.command')).map((r) => r.properties.command)).toEqual(['say survived']);
    } finally {
      await killToOffline(panel.app, server);
    }
  }, 180_000);
});
