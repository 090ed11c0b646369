import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateMariadb, type PrivateMariadb } from '@db/private-mariadb';
import { bootCohost, type Cohost } from '@server/boot';
import { PRIVATE_HOST_ADMIN } from '@server/services/databases/register-private-host';
import { registerPrivateHost } from '@server/services/databases/register-private-host';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeUser } from '../factories/records';

/**
 * The panel without DATABASE_URL (as `npm start` runs it): its private MariaDB becomes the default database host,
 * reached through a dedicated admin account, not root. Stopping that MariaDB gives a clear 503 and no half-made row.
 */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-dbhost-'));
let mariadb: PrivateMariadb;
let panel: Cohost;
let second: TestPanel | undefined;

beforeAll(async () => {
  // Started here (so this test owns it and can stop it); the panel finds it running under DATA_DIR/mysql and reuses it.
  mariadb = await startPrivateMariadb(path.join(dataDir, 'mysql'));
  panel = await bootCohost({
    env: {
      DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SFTP_PORT: '0', SFTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent',
      SERVER_THROTTLES: 'database.create=100/60',
    },
  });
}, 120_000);
afterAll(async () => {
  await second?.close();
  await panel?.close();
  await mariadb?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function ownerClient(on: Cohost = panel) {
  const owner = await makeUser(on.app.db);
  const server = await makeServer(on.app.db, owner);
  return { server, c: new HttpClient(on.url).withApiKey(await makeApiKey(on.app.db, owner)) };
}

describe('the private MariaDB as the default database host', () => {
  it('is registered at boot with its dedicated admin account, whose privileges are only what databases need', async () => {
    const [hosts] = await panel.app.pool.query('SELECT name, host, port, username, managed, password FROM database_hosts');
    expect(hosts).toHaveLength(1);
    const host = (hosts as Array<{ name: string; host: string; port: number; username: string; managed: number; password: string }>)[0];
    expect(host).toMatchObject({ name: 'default', host: '127.0.0.1', port: mariadb.port, username: PRIVATE_HOST_ADMIN, managed: 1 });
    expect(host?.password).toMatch(/^v1\./);

    const root = await mysql.createConnection({ uri: mariadb.url });
    const [grants] = await root.query('SHOW GRANTS FOR ?@?', [PRIVATE_HOST_ADMIN, '127.0.0.1']);
    await root.end();
    const lines = (grants as Array<Record<string, string>>).map((g) => Object.values(g)[0]);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^GRANT CREATE USER ON \*\.\* TO `cohost_dbhost`@`127\.0\.0\.1`/);
    expect(lines[1]).toMatch(/ON `s%\\_%`\.\* TO `cohost_dbhost`@`127\.0\.0\.1` WITH GRANT OPTION$/);
    expect(lines.join('\n')).not.toMatch(/ALL PRIVILEGES|SUPER|RELOAD|FILE|PROCESS/);
  });

  it('creates a database there that its user can use', async () => {
    const { server, c } = await ownerClient();
    const res = await c.post(`/api/client/servers/${server.uuid}/databases`, { database: 'world' });
    expect(res.status, res.text).toBe(200);
    const a = res.body.attributes;
    expect(a.host).toEqual({ address: '127.0.0.1', port: mariadb.port });
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: mariadb.port, user: a.username, password: a.relationships.password.attributes.password, database: a.name });
    await conn.query('CREATE TABLE t (id INT)');
    await conn.end();
  });

  it('answers a clear 503 when the host is down, and writes no row', async () => {
    // A panel whose own database lives elsewhere (the harness's server), with the private MariaDB registered as its
    // host exactly as boot does; then that MariaDB stops.
    second = await startTestPanel({ env: { SERVER_THROTTLES: 'database.create=100/60' } });
    await registerPrivateHost(second.app, mariadb.url);
    const { server, c } = await ownerClient(second);
    const ok = await c.post(`/api/client/servers/${server.uuid}/databases`, { database: 'before' });
    expect(ok.status, ok.text).toBe(200);
    await mariadb.stop();
    const res = await c.post(`/api/client/servers/${server.uuid}/databases`, { database: 'down' });
    expect(res.status, res.text).toBe(503);
    expect(res.body.errors[0].detail).toMatch(/database host "default" cannot be reached/);
    const [rows] = await second.app.pool.query('SELECT `database` FROM server_databases WHERE server_id = ?', [server.id]);
    expect(rows).toEqual([{ database: `s${server.id}_before` }]);
    expect((await c.get(`/api/client/servers/${server.uuid}/databases`)).body.data).toHaveLength(1);
    // Rotation and deletion on a host that is down change nothing either.
    const id: string = ok.body.attributes.id;
    expect((await c.post(`/api/client/servers/${server.uuid}/databases/${id}/rotate-password`)).status).toBe(503);
    expect((await c.delete(`/api/client/servers/${server.uuid}/databases/${id}`)).status).toBe(503);
    const [after] = await second.app.pool.query('SELECT password FROM server_databases WHERE identifier = ?', [id]);
    expect(after).toHaveLength(1);
    const [activity] = await second.app.pool.query("SELECT event FROM activity_logs WHERE server_id = ?", [server.id]);
    expect((activity as Array<{ event: string }>).map((r) => r.event)).toEqual(['server:database.create']);
  }, 120_000);
});
