import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateMariadb, type PrivateMariadb } from '@db/private-mariadb';
import { bootCohost, type Cohost } from '@server/boot';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient, type HttpResult } from '../factories/http';
import { makeApiKey, makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { connectAs, type SocketProbe } from '../bridge/socket-probe';
import { ssh2Connect } from '../sftp/clients';

// Issue 23: MariaDB stops under a running panel and comes back. Requests fail fast with 503 in the usual envelope
// (never a hang, never a partial write), and the panel, its bridge and its SFTP server recover by themselves.
let scratch: string;
let mariadb: PrivateMariadb;
let panel: Cohost;
let owner: UserRow;
let server: ServerRow;
let apiKey: string;
let probe: SocketProbe | undefined;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'cohost-outage-'));
  mariadb = await startPrivateMariadb(path.join(scratch, 'mysql'), 'cohost');
  panel = await bootCohost({
    env: {
      DATABASE_URL: mariadb.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(scratch, 'data'), SFTP_PORT: '0',
      SFTP_HOST: '127.0.0.1', APP_KEY: 'k'.repeat(48), SESSION_SECRET: 's'.repeat(48), LOG_LEVEL: process.env.COHOST_TEST_LOG ?? 'silent',
    },
  });
  owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  apiKey = await makeApiKey(panel.app.db, owner);
}, 120_000);
afterAll(async () => {
  probe?.close();
  await panel?.close();
  await mariadb?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function expectUnavailable(res: HttpResult): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(res.body.errors[0]).toMatchObject({ code: 'ServiceUnavailableHttpException', status: '503' });
  expect(res.body.errors[0].detail).toMatch(/database/);
}

describe('a MariaDB restart under a running panel', () => {
  it('answers 503 while it is down, writes nothing, and recovers on its own', async () => {
    const session = new HttpClient(panel.url);
    expect((await session.login(owner.email, TEST_PASSWORD)).status).toBe(200);
    await session.get('/api/health');
    const byKey = new HttpClient(panel.url).withApiKey(apiKey);
    probe = await connectAs(session, server.uuid);
    const users = `/api/client/servers/${server.identifier}/users`;
    const email = `outage-${Date.now()}@example.com`;

    await mariadb.stop();
    expectUnavailable(await byKey.get('/api/client'));
    expectUnavailable(await session.post(users, { email, permissions: ['control.console'] }));
    expectUnavailable(await new HttpClient(panel.url).login(owner.email, TEST_PASSWORD));
    // SFTP refuses the login cleanly and keeps listening.
    await expect(ssh2Connect({ port: panel.sftpPort, login: `${owner.username}.${server.identifier}`, password: TEST_PASSWORD })).rejects.toThrow();
    // The socket opened before the outage is still served.
    expect(probe.disconnected).toBe(false);

    mariadb = await startPrivateMariadb(path.join(scratch, 'mysql'), 'cohost', undefined, { port: mariadb.port });
    let back: HttpResult | undefined;
    for (let i = 0; i < 100 && back?.status !== 200; i++) {
      back = await byKey.get('/api/client');
      if (back.status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(back?.status).toBe(200);
    // Nothing of the refused create was written: no subuser, no account, no activity row.
    const list = await session.get(users);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(email);
    const activity = await session.get(`/api/client/servers/${server.identifier}/activity`);
    expect(JSON.stringify(activity.body)).not.toContain(email);
    // Writes, sign-in and SFTP work again.
    expect((await session.post(users, { email, permissions: ['control.console'] })).status).toBe(200);
    expect((await new HttpClient(panel.url).login(owner.email, TEST_PASSWORD)).status).toBe(200);
    const sftp = await ssh2Connect({ port: panel.sftpPort, login: `${owner.username}.${server.identifier}`, password: TEST_PASSWORD });
    sftp.end();
    // The socket still works: a fresh token authenticates against the recovered database too.
    const again = await connectAs(session, server.uuid);
    expect(again.disconnected).toBe(false);
    again.close();
  });
});
