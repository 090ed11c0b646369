import { randomBytes, randomInt } from 'node:crypto';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Permission } from '@contracts/permissions';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { ensureHostAdmin } from '@db/hosts/host-databases';
import { createDatabaseHost } from '@server/services/databases/create-database-host';
import { ServerThrottles } from '@server/http/server-throttles';
import { InProcessStore } from '@server/shared/shared-store';
import { createDatabase } from '@server/services/databases/create-database';
import { accessFrom } from '@server/services/server-access';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser } from '../factories/records';
import { registerTestHost, rootConnection, testServerAddress, type TestHost } from '../factories/databases';
import { createNode } from '@server/services/nodes/create-node';

/** DESIGN §15 on a real MariaDB: what the created users can and cannot do there, and the API around it. */
let panel: TestPanel;
let testHost: TestHost;
let owner: UserRow;
const extraCleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  // The throttle has its own test below (with the default allowance); here it would only get in the way.
  panel = await startTestPanel({ env: { SERVER_THROTTLES: 'database.create=1000/60' } });
  testHost = await registerTestHost(panel.app);
  owner = await makeUser(panel.app.db);
});
afterAll(async () => {
  for (const c of extraCleanups) await c().catch(() => undefined);
  await testHost?.cleanup();
  await panel?.close();
});

const name = (prefix = 'db') => `${prefix}_${randomBytes(4).toString('hex')}`;
const base = (server: ServerRow) => `/api/client/servers/${server.uuid}/databases`;

async function client(user: UserRow): Promise<HttpClient> {
  return new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
}

async function subuser(server: ServerRow, keys: Permission[]): Promise<HttpClient> {
  const u = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, u, keys);
  return client(u);
}

interface Created { id: string; name: string; username: string; password: string; remote: string }

async function create(c: HttpClient, server: ServerRow, database = name(), remote?: string): Promise<Created> {
  const res = await c.post(base(server), remote === undefined ? { database } : { database, remote });
  expect(res.status, res.text).toBe(200);
  const a = res.body.attributes;
  return { id: a.id, name: a.name, username: a.username, password: a.relationships.password.attributes?.password, remote: a.connections_from };
}

/** Connects as a created database user (from 127.0.0.1, the test's address). */
function connectAs(db: { username: string; password: string }, database?: string): Promise<mysql.Connection> {
  const { host, port } = testServerAddress();
  return mysql.createConnection({ host, port, user: db.username, password: db.password, ...(database ? { database } : {}) });
}

async function refused(p: Promise<mysql.Connection>): Promise<string> {
  try {
    const conn = await p;
    await conn.end();
    return 'connected';
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
}

describe('creating a database', () => {
  it('makes s{server}_{name} and a user that can connect and create a table in it', async () => {
    const server = await makeServer(panel.app.db, owner);
    const res = await (await client(owner)).post(base(server), { database: 'world_data' });
    expect(res.status, res.text).toBe(200);
    const a = res.body.attributes;
    expect(res.body.object).toBe('server_database');
    expect(a.id).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(a.name).toBe(`s${server.id}_world_data`);
    expect(a.username).toMatch(new RegExp(`^u${server.id}_[A-Za-z0-9]{10}$`));
    expect(a.connections_from).toBe('%');
    expect(a.host).toEqual({ address: testHost.host.host, port: testHost.host.port });
    expect(a.max_connections).toBe(0);
    expect(a.relationships.password.object).toBe('database_password');
    const password: string = a.relationships.password.attributes.password;
    expect(password).toHaveLength(24);

    const conn = await connectAs({ username: a.username, password }, a.name);
    await conn.query('CREATE TABLE scores (id INT PRIMARY KEY, who VARCHAR(20))');
    await conn.query('INSERT INTO scores VALUES (1, ?)', ['alice']);
    const [rows] = await conn.query('SELECT who FROM scores');
    expect(rows).toEqual([{ who: 'alice' }]);
    const [dbs] = await conn.query('SHOW DATABASES');
    expect((dbs as Array<{ Database: string }>).map((d) => d.Database).filter((d) => d !== 'information_schema')).toEqual([a.name]);
    await conn.end();

    const [activity] = await panel.app.pool.query('SELECT event, properties FROM activity_logs WHERE server_id = ?', [server.id]);
    expect((activity as Array<{ event: string }>).map((r) => r.event)).toEqual(['server:database.create']);
  });

  it('grants the database exactly, so a neighbour whose name differs only at an _ stays closed', async () => {
    // Server A's `_xyz…` is `sA__xyz…`; unescaped, its `_` wildcards would match server B's `sB_xyz…` when B = A·10+d.
    const a = 100_000 + randomInt(800_000);
    const serverA = await makeServer(panel.app.db, owner, { id: a });
    const serverB = await makeServer(panel.app.db, owner, { id: a * 10 + 7 });
    const suffix = randomBytes(3).toString('hex');
    const c = await client(owner);
    const dbA = await create(c, serverA, `_x${suffix}`);
    const dbB = await create(c, serverB, `x${suffix}`);
    expect(dbA.name).toBe(`s${a}__x${suffix}`);
    expect(dbB.name).toBe(`s${a * 10 + 7}_x${suffix}`);
    // The same server's own lookalike (`sA_aXb` next to `sA_a_b`) stays closed too.
    const mine = await create(c, serverA, `a_b${suffix}`);
    const lookalike = await create(c, serverA, `aXb${suffix}`);

    const conn = await connectAs(dbA);
    const [dbs] = await conn.query('SHOW DATABASES');
    expect((dbs as Array<{ Database: string }>).map((d) => d.Database).sort()).toEqual([dbA.name, 'information_schema'].sort());
    await expect(conn.query(`USE \`${dbB.name}\``)).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    await conn.end();

    const other = await connectAs(mine);
    await expect(other.query(`USE \`${lookalike.name}\``)).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    await expect(other.query(`CREATE TABLE \`${lookalike.name}\`.t (id INT)`)).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await other.end();
    expect(await refused(connectAs(dbA, dbB.name))).toBe('ER_DBACCESS_DENIED_ERROR');
  });

  it('lets the user in only from the allowed remote', async () => {
    const server = await makeServer(panel.app.db, owner);
    const db = await create(await client(owner), server, name(), '10.254.254.%');
    expect(db.remote).toBe('10.254.254.%');
    // No account matches 127.0.0.1, so MariaDB refuses the sign-in itself.
    expect(await refused(connectAs(db, db.name))).toMatch(/^ER_ACCESS_DENIED/);
  });

  it('validates the name and the remote, naming the field', async () => {
    const server = await makeServer(panel.app.db, owner);
    const c = await client(owner);
    for (const [body, field] of [
      [{ database: 'ab' }, 'database'], [{ database: 'a'.repeat(49) }, 'database'], [{ database: 'semi;colon' }, 'database'],
      [{ database: 'back`tick' }, 'database'], [{}, 'database'], [{ database: 'fine', remote: "'; DROP USER root; --" }, 'remote'],
      [{ database: 'fine', remote: 'a b' }, 'remote'],
    ] as const) {
      const res = await c.post(base(server), body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0].meta.source_field).toBe(field);
    }
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM server_databases WHERE server_id = ?', [server.id]);
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(0);
  });

  it('refuses a duplicate name with 409, and never touches a database it did not create', async () => {
    const server = await makeServer(panel.app.db, owner);
    const c = await client(owner);
    const n = name();
    await create(c, server, n);
    const again = await c.post(base(server), { database: n });
    expect(again.status).toBe(409);
    // A database already on the host under that name (not Cohost's) is a 409 too, and survives.
    const taken = name();
    const root = await rootConnection();
    await root.query(`CREATE DATABASE \`s${server.id}_${taken}\``);
    await root.query(`CREATE TABLE \`s${server.id}_${taken}\`.keep (id INT)`);
    extraCleanups.push(async () => { const r = await rootConnection(); await r.query(`DROP DATABASE IF EXISTS \`s${server.id}_${taken}\``); await r.end(); });
    const clash = await c.post(base(server), { database: taken });
    expect(clash.status).toBe(409);
    const [tables] = await root.query(`SHOW TABLES FROM \`s${server.id}_${taken}\``);
    expect(tables).toHaveLength(1);
    await root.end();
  });

  it('drops what it created when the host refuses half-way (GRANT), and leaves no row', async () => {
    // An admin that may create databases and users but not grant: CREATE DATABASE and CREATE USER succeed, GRANT fails.
    const admin = `cohost_t_${randomBytes(4).toString('hex')}`;
    const pw = randomBytes(12).toString('base64url');
    const root = await rootConnection();
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [admin, '127.0.0.1', pw]);
    await root.query('GRANT CREATE USER ON *.* TO ?@?', [admin, '127.0.0.1']);
    await root.query('GRANT CREATE, DROP ON `s%\\_%`.* TO ?@?', [admin, '127.0.0.1']);
    extraCleanups.push(async () => { const r = await rootConnection(); await r.query('DROP USER IF EXISTS ?@?', [admin, '127.0.0.1']); await r.end(); });
    const { node } = await createNode(panel.app.db, panel.app.secrets.appKey, { name: `node-${admin}`, url: 'http://127.0.0.1:1' }, new Date());
    await createDatabaseHost(panel.app, { name: `half-${admin}`, ...testServerAddress(), username: admin, password: pw, node: node.uuid });
    const server = await makeServer(panel.app.db, owner, { nodeId: node.id });

    const res = await (await client(owner)).post(base(server), { database: 'halfway' });
    expect(res.status, res.text).toBe(503);
    expect(res.body.errors[0].detail).toMatch(/refused/);
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM server_databases WHERE server_id = ?', [server.id]);
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(0);
    const [dbs] = await root.query('SHOW DATABASES LIKE ?', [`s${server.id}\\_halfway`]);
    expect(dbs).toEqual([]);
    const [users] = await root.query('SELECT user FROM mysql.user WHERE user LIKE ?', [`u${server.id}\\_%`]);
    expect(users).toEqual([]);
    await root.end();
  });

  it('keeps database_limit with the server row locked: 20 parallel creates at limit − 1 leave exactly the limit', async () => {
    const server = await makeServer(panel.app.db, owner, { databaseLimit: 3 });
    const c = await client(owner);
    await create(c, server);
    await create(c, server);
    const results = await Promise.all(Array.from({ length: 20 }, () => c.post(base(server), { database: name() })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refusals = results.filter((r) => r.status !== 200);
    expect(refusals.map((r) => r.status)).toEqual(Array(19).fill(400));
    expect(refusals[0]?.body.errors[0].detail).toMatch(/database_limit|limit of 3/);
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM server_databases WHERE server_id = ?', [server.id]);
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(3);
  });

  it('answers 400 when databases are disabled (database_limit 0)', async () => {
    const server = await makeServer(panel.app.db, owner, { databaseLimit: 0 });
    const res = await (await client(owner)).post(base(server), { database: name() });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].detail).toMatch(/disabled/);
  });

  it('throttles creation per server (2 per minute by default) with 429 and Retry-After', async () => {
    const server = await makeServer(panel.app.db, owner);
    const app = { ...panel.app, throttles: new ServerThrottles(panel.app.clock, new InProcessStore()) };
    const access = accessFrom(owner, server, null);
    if (!access) throw new Error('no access');
    const actor = { user: owner, apiKey: null, ip: '127.0.0.1', userAgent: 'test' };
    await createDatabase(app, actor, access, { database: name(), remote: '%' });
    await createDatabase(app, actor, access, { database: name(), remote: '%' });
    await expect(createDatabase(app, actor, access, { database: name(), remote: '%' })).rejects.toMatchObject({
      status: 429, headers: { 'Retry-After': expect.stringMatching(/^\d+$/) as unknown },
    });
  });
});

describe('passwords', () => {
  it('shows the password on the list only with ?include=password and database.view_password', async () => {
    const server = await makeServer(panel.app.db, owner);
    const db = await create(await client(owner), server);
    const ownerList = await (await client(owner)).get(`${base(server)}?include=password`);
    expect(ownerList.body.data[0].attributes.relationships.password).toEqual({ object: 'database_password', attributes: { password: db.password } });
    const plain = await (await client(owner)).get(base(server));
    expect(plain.body.data[0].attributes.relationships.password).toEqual({ object: 'null_resource', attributes: null });
    const reader = await subuser(server, ['database.read']);
    const readerList = await reader.get(`${base(server)}?include=password`);
    expect(readerList.status).toBe(200);
    expect(readerList.body.data[0].attributes.relationships.password).toEqual({ object: 'null_resource', attributes: null });
    expect(readerList.text).not.toContain(db.password);
    const viewer = await subuser(server, ['database.read', 'database.view_password']);
    expect((await viewer.get(`${base(server)}?include=password`)).body.data[0].attributes.relationships.password.attributes.password).toBe(db.password);
  });

  it('hides the password on create and rotate from a subuser without view_password', async () => {
    const server = await makeServer(panel.app.db, owner);
    const maker = await subuser(server, ['database.create', 'database.update']);
    const res = await maker.post(base(server), { database: name() });
    expect(res.status).toBe(200);
    expect(res.body.attributes.relationships.password).toEqual({ object: 'null_resource', attributes: null });
    const rotated = await maker.post(`${base(server)}/${res.body.attributes.id}/rotate-password`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.attributes.relationships.password).toEqual({ object: 'null_resource', attributes: null });
  });

  it('rotates with ALTER USER: the old password fails, the new one works', async () => {
    const server = await makeServer(panel.app.db, owner);
    const c = await client(owner);
    const db = await create(c, server);
    const res = await c.post(`${base(server)}/${db.id}/rotate-password`);
    expect(res.status).toBe(200);
    const fresh: string = res.body.attributes.relationships.password.attributes.password;
    expect(fresh).toHaveLength(24);
    expect(fresh).not.toBe(db.password);
    expect(await refused(connectAs(db, db.name))).toBe('ER_ACCESS_DENIED_ERROR');
    const conn = await connectAs({ username: db.username, password: fresh }, db.name);
    await conn.end();
    const [activity] = await panel.app.pool.query("SELECT event FROM activity_logs WHERE server_id = ? AND event LIKE 'server:database.%'", [server.id]);
    expect((activity as Array<{ event: string }>).map((r) => r.event)).toEqual(['server:database.create', 'server:database.rotate-password']);
  });
});

describe('deleting a database', () => {
  it('drops the user and the database: the user can no longer connect', async () => {
    const server = await makeServer(panel.app.db, owner);
    const c = await client(owner);
    const db = await create(c, server);
    const res = await c.delete(`${base(server)}/${db.id}`);
    expect(res.status).toBe(204);
    expect(await refused(connectAs(db))).toMatch(/^ER_ACCESS_DENIED/);
    const root = await rootConnection();
    const [dbs] = await root.query('SHOW DATABASES LIKE ?', [db.name.replace(/_/g, '\\_')]);
    expect(dbs).toEqual([]);
    await root.end();
    expect((await c.get(base(server))).body.data).toEqual([]);
    const [activity] = await panel.app.pool.query("SELECT event FROM activity_logs WHERE server_id = ? AND event = 'server:database.delete'", [server.id]);
    expect(activity).toHaveLength(1);
  });

  it('answers 404 for an unknown id and for another server\'s database', async () => {
    const server = await makeServer(panel.app.db, owner);
    const other = await makeServer(panel.app.db, owner);
    const c = await client(owner);
    const db = await create(c, other);
    expect((await c.delete(`${base(server)}/${db.id}`)).status).toBe(404);
    expect((await c.post(`${base(server)}/${db.id}/rotate-password`)).status).toBe(404);
    expect((await c.delete(`${base(server)}/nope1234`)).status).toBe(404);
    const conn = await connectAs(db, db.name);
    await conn.end();
  });
});

describe('database hosts', () => {
  it('keeps the admin password sealed with APP_KEY and refuses a host it cannot reach', async () => {
    const [rows] = await panel.app.pool.query('SELECT password FROM database_hosts WHERE id = ?', [testHost.host.id]);
    expect((rows as Array<{ password: string }>)[0]?.password).toMatch(/^v1\./);
    await expect(createDatabaseHost(panel.app, { name: 'closed', host: '127.0.0.1', port: 1, username: 'nobody', password: 'x' }))
      .rejects.toMatchObject({ status: 503 });
  });

  it('the dedicated admin account cannot read databases outside s…_…', async () => {
    const admin = `cohost_t_${randomBytes(4).toString('hex')}`;
    const root = await rootConnection();
    await ensureHostAdmin(root, { username: admin, remote: '127.0.0.1', password: 'Only-for-this-test-1' });
    extraCleanups.push(async () => { const r = await rootConnection(); await r.query('DROP USER IF EXISTS ?@?', [admin, '127.0.0.1']); await r.end(); });
    await root.end();
    const conn = await connectAs({ username: admin, password: 'Only-for-this-test-1' });
    await expect(conn.query(`USE \`${panel.database.name}\``)).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    await expect(conn.query('SELECT * FROM mysql.user')).rejects.toMatchObject({ code: 'ER_TABLEACCESS_DENIED_ERROR' });
    await expect(conn.query('CREATE DATABASE `cohost_not_allowed`')).rejects.toMatchObject({ code: 'ER_DBACCESS_DENIED_ERROR' });
    await conn.end();
  });
});
