import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import { FakeWings } from '../fakes/wings/fake-wings';
import { registerTestHost, testServerAddress, type TestHost } from '../factories/databases';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { auditEvents, makeAdmin, signedIn } from './admin-support';

let panel: TestPanel;
let wings: FakeWings;
const hosts: TestHost[] = [];
const TOKEN = 'd'.repeat(64);
beforeAll(async () => {
  panel = await startTestPanel({ env: { RUNNER_TICK_MS: '200' } });
  wings = new FakeWings({ token: TOKEN, allowedOrigin: 'http://localhost:0', version: '1.12.1' });
  await wings.start();
});
afterAll(async () => {
  for (const h of hosts) await h.cleanup();
  await panel?.close();
  await wings?.close();
});

const GENERIC = JSON.parse(readFileSync(new URL('../../server/software/generic.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const rowsOf = async (sql: string, args: unknown[] = []) => (await panel.app.pool.query(sql, args))[0] as Array<Record<string, unknown>>;

describe('nodes, allocations and software through the admin API', () => {
  it('registers a node (token shown once), adds its allocations, imports and exports software, each audited', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['nodes.*', 'software.*']));
    const node = await admin.post('/api/application/nodes', { name: 'eu-1', url: 'https://eu-1.example.com:8080' });
    expect(node.status).toBe(201);
    expect(node.body.meta.token).toMatch(/^[0-9a-f]{16}\..+/);
    const uuid = node.body.attributes.uuid as string;
    expect((await admin.get('/api/application/nodes')).body.data.map((n: { attributes: { uuid: string } }) => n.attributes.uuid)).toContain(uuid);
    const added = await admin.post('/api/application/allocations', { ip: '10.0.0.5', ports: '25565-25567', node: uuid });
    expect(added.body.attributes).toMatchObject({ added: 3 });
    const pool = await admin.get(`/api/application/allocations?node=${uuid}`);
    expect(pool.body.data.map((a: { attributes: { port: number } }) => a.attributes.port)).toEqual([25565, 25566, 25567]);
    const bad = await admin.post('/api/application/allocations', { ip: 'not-an-ip', ports: '1' });
    expect(bad.status).toBe(422);

    const imported = await admin.post('/api/application/software', { definition: { ...GENERIC, id: 'my-runner', name: 'My runner' } });
    expect(imported.status).toBe(201);
    expect((await admin.post('/api/application/software', { definition: { ...GENERIC, id: 'my-runner' } })).status).toBe(422);
    expect((await admin.post('/api/application/software', { definition: GENERIC })).status).toBe(422); // bundled id
    const egg = await admin.get('/api/application/software/my-runner?format=ptdl');
    expect(egg.body.meta.version).toBe('PTDL_v2');
    const list = await admin.get('/api/application/software');
    expect(list.body.data.map((s: { attributes: { id: string } }) => s.attributes.id)).toContain('my-runner');
    const events = (await auditEvents(panel)).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['admin:node.create', 'admin:allocation.create', 'admin:software.import']));
  });

  it('edits, tests and deletes a node; refuses to delete one a server runs on (409)', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['nodes.*']));
    const made = await admin.post('/api/application/nodes', { name: 'fake', url: 'http://127.0.0.1:1', token_id: 'GGGGGGGGGGGGGGGG', token: TOKEN });
    const uuid = made.body.attributes.uuid as string;
    const down = await admin.post(`/api/application/nodes/${uuid}/test`);
    expect(down.status).toBe(200);
    expect(down.body.attributes).toMatchObject({ ok: false });
    expect(down.body.attributes.error).toMatch(/cannot be reached/);

    const bad = await admin.patch(`/api/application/nodes/${uuid}`, { url: `${wings.url}/api` });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta.source_field).toBe('url');
    const moved = await admin.patch(`/api/application/nodes/${uuid}`, { name: 'fake-moved', url: wings.url });
    expect(moved.body.attributes).toMatchObject({ name: 'fake-moved', url: wings.url });
    const up = await admin.post(`/api/application/nodes/${uuid}/test`);
    expect(up.body.attributes).toMatchObject({ ok: true, version: '1.12.1', revocation: 'deauthorize-user' });
    expect(wings.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/system' });

    const [node] = await rowsOf('SELECT id FROM nodes WHERE uuid = ?', [uuid]);
    const server = await makeServer(panel.app.db, await makeUser(panel.app.db), { nodeId: Number(node?.id) });
    const refused = await admin.delete(`/api/application/nodes/${uuid}`);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].detail).toMatch(/still has 1 server/);
    await panel.app.pool.query('DELETE FROM servers WHERE id = ?', [server.id]);
    expect((await admin.delete(`/api/application/nodes/${uuid}`)).status).toBe(204);
    expect(await rowsOf('SELECT id FROM nodes WHERE uuid = ?', [uuid])).toEqual([]);
    expect((await admin.delete(`/api/application/nodes/${uuid}`)).status).toBe(404);
    const audit = (await auditEvents(panel)).filter((e) => e.event === 'admin:node.update' || e.event === 'admin:node.delete');
    expect(audit.map((e) => [e.event, e.properties])).toEqual([
      ['admin:node.update', { node: uuid, old: { name: 'fake', url: 'http://127.0.0.1:1' }, new: { name: 'fake-moved', url: wings.url } }],
      ['admin:node.delete', { node: uuid, old: { name: 'fake-moved', url: wings.url, token_id: 'GGGGGGGGGGGGGGGG' } }],
    ]);
  });
});

describe('software edits, allocation removal and node token rotation', () => {
  it('edits and deletes an imported definition; refuses bundled ones (403) and one a server runs (409)', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['software.*']));
    expect((await admin.post('/api/application/software', { definition: { ...GENERIC, id: 'editable' } })).status).toBe(201);
    const edited = await admin.patch('/api/application/software/editable', { definition: { ...GENERIC, name: 'Edited runner' } });
    expect(edited.status).toBe(200);
    expect(edited.body.attributes).toMatchObject({ id: 'editable', name: 'Edited runner' });
    expect((await admin.get('/api/application/software/editable')).body).toMatchObject({ id: 'editable', name: 'Edited runner' });
    expect((await admin.patch('/api/application/software/editable', { definition: { ...GENERIC, startup: '' } })).body.errors[0].meta.source_field).toMatch(/^definition/);
    expect((await admin.patch('/api/application/software/generic', { definition: GENERIC })).status).toBe(403);
    expect((await admin.delete('/api/application/software/generic')).status).toBe(403);
    expect((await admin.delete('/api/application/software/nothing-here')).status).toBe(404);

    const server = await makeServer(panel.app.db, await makeUser(panel.app.db));
    await panel.app.pool.query("INSERT INTO server_startup (server_id, software_id, docker_image, updated_at) VALUES (?, 'editable', 'x', NOW())", [server.id]);
    const busy = await admin.delete('/api/application/software/editable');
    expect(busy.status).toBe(409);
    await panel.app.pool.query('DELETE FROM server_startup WHERE server_id = ?', [server.id]);
    expect((await admin.delete('/api/application/software/editable')).status).toBe(204);
    expect(await rowsOf("SELECT id FROM software WHERE id = 'editable'")).toEqual([]);
    const audit = (await auditEvents(panel)).filter((e) => e.event === 'admin:software.update' || e.event === 'admin:software.delete');
    expect(audit.map((e) => [e.event, e.properties])).toEqual([
      ['admin:software.update', { software: 'editable', dropped: [], old: { name: GENERIC.name }, new: { name: 'Edited runner' } }],
      ['admin:software.delete', { software: 'editable', old: { name: 'Edited runner' } }],
    ]);
  });

  it('removes a free allocation; refuses one a server holds (409)', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['nodes.*']));
    await admin.post('/api/application/allocations', { ip: '10.7.0.1', ports: '31000-31001' });
    const pool = (await admin.get('/api/application/allocations')).body.data
      .map((a: { attributes: { id: number; ip: string; port: number } }) => a.attributes).filter((a: { ip: string }) => a.ip === '10.7.0.1');
    const server = await makeServer(panel.app.db, await makeUser(panel.app.db));
    await panel.app.pool.query('UPDATE allocations SET server_id = ? WHERE id = ?', [server.id, pool[0].id]);
    expect((await admin.delete(`/api/application/allocations/${pool[0].id}`)).status).toBe(409);
    expect((await admin.delete(`/api/application/allocations/${pool[1].id}`)).status).toBe(204);
    expect((await admin.delete(`/api/application/allocations/${pool[1].id}`)).status).toBe(404);
    expect((await rowsOf("SELECT port FROM allocations WHERE ip = '10.7.0.1'")).map((r) => r.port)).toEqual([31000]);
    expect((await auditEvents(panel)).filter((e) => e.event === 'admin:allocation.delete').map((e) => e.properties))
      .toEqual([{ allocation: pool[1].id, ip: '10.7.0.1', port: 31001, node_id: null }]);
  });

  it('rotates a node\'s token: the new pair is shown once, the old one is refused by the remote API', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['nodes.*']));
    const made = await admin.post('/api/application/nodes', { name: 'rotating', url: wings.url });
    const oldToken = made.body.meta.token as string;
    const remote = (token: string) => fetch(`${panel.url}/api/remote/servers`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    expect((await remote(oldToken)).status).toBe(200);
    const rotated = await admin.post(`/api/application/nodes/${made.body.attributes.uuid}/token`);
    expect(rotated.status).toBe(200);
    const newToken = rotated.body.meta.token as string;
    expect(newToken).not.toBe(oldToken);
    expect((await remote(oldToken)).status).toBe(403);
    expect((await remote(newToken)).status).toBe(200);
    const audit = (await auditEvents(panel)).filter((e) => e.event === 'admin:node.token');
    expect(JSON.stringify(audit)).not.toContain(newToken.split('.')[1]);
    expect(audit.at(-1)?.properties).toMatchObject({ node: made.body.attributes.uuid, new: { token_id: newToken.split('.')[0] } });
  });
});

describe('database hosts through the admin API', () => {
  it('edits a host: a new address or account is reached before it is saved; the password is never logged', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['database-hosts.*']));
    const test = await registerTestHost(panel.app);
    hosts.push(test);
    const name = test.host.name;
    const limit = await admin.patch(`/api/application/database-hosts/${name}`, { max_databases: 7 });
    expect(limit.status).toBe(200);
    expect(limit.body.attributes).toMatchObject({ name, max_databases: 7 });
    const unreachable = await admin.patch(`/api/application/database-hosts/${name}`, { port: 1 });
    expect(unreachable.status).toBe(503);
    const wrong = await admin.patch(`/api/application/database-hosts/${name}`, { password: 'not-the-password' });
    expect(wrong.status).toBe(503);
    expect(wrong.body.errors[0].detail).toMatch(/refused its admin account's sign-in/);
    // The stored password is still the right one: re-dialling with it (an explicit port) succeeds.
    expect((await admin.patch(`/api/application/database-hosts/${name}`, { port: testServerAddress().port })).status).toBe(200);
    const [row] = await rowsOf('SELECT port, max_databases FROM database_hosts WHERE name = ?', [name]);
    expect(row).toEqual({ port: testServerAddress().port, max_databases: 7 });
    expect((await admin.patch(`/api/application/database-hosts/${name}`, { port: 'x' })).body.errors[0].meta.source_field).toBe('port');
    expect((await admin.patch('/api/application/database-hosts/nobody', { max_databases: 1 })).status).toBe(404);
    const audit = (await auditEvents(panel)).filter((e) => e.event === 'admin:database-host.update');
    expect(audit.map((e) => e.properties)).toEqual([{ host: name, old: { max_databases: null }, new: { max_databases: 7 } }]);
  });

  it('writes a host only with its audit row: when the audit insert fails, nothing is created, changed or deleted', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['database-hosts.*']));
    const test = await registerTestHost(panel.app, { name: 'audited-host' });
    hosts.push(test);
    const { host, port } = testServerAddress();
    await panel.app.pool.query(`CREATE TRIGGER refuse_host_audit BEFORE INSERT ON activity_logs FOR EACH ROW
      IF NEW.event LIKE 'admin:database-host.%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit refused'; END IF`);
    try {
      const created = await admin.post('/api/application/database-hosts', { name: 'never-saved', host, port, username: 'root', password: '' });
      expect(created.status).toBe(500);
      expect(await rowsOf("SELECT id FROM database_hosts WHERE name = 'never-saved'")).toEqual([]);
      expect((await admin.patch('/api/application/database-hosts/audited-host', { max_databases: 3 })).status).toBe(500);
      expect(await rowsOf("SELECT max_databases FROM database_hosts WHERE name = 'audited-host'")).toEqual([{ max_databases: null }]);
      expect((await admin.delete('/api/application/database-hosts/audited-host')).status).toBe(500);
      expect(await rowsOf("SELECT name FROM database_hosts WHERE name = 'audited-host'")).toEqual([{ name: 'audited-host' }]);
    } finally {
      await panel.app.pool.query('DROP TRIGGER refuse_host_audit');
    }
    expect((await admin.delete('/api/application/database-hosts/audited-host')).status).toBe(204);
    expect(await rowsOf("SELECT name FROM database_hosts WHERE name = 'audited-host'")).toEqual([]);
    expect((await auditEvents(panel)).filter((e) => e.event === 'admin:database-host.delete').map((e) => e.properties)).toEqual([{ host: 'audited-host' }]);
  });
});

describe('server deletion through the admin API', () => {
  it('answers 202 with the cleanup job, which empties the server and then removes it with what hangs from it', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['servers.*', 'tasks.view']));
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    await makeSubuser(panel.app.db, server, await makeUser(panel.app.db), ['control.console']);
    await panel.app.pool.query("INSERT INTO allocations (ip, port, server_id, primary_server_id, created_at, updated_at) VALUES ('127.0.0.9', 30001, ?, ?, NOW(), NOW())", [server.id, server.id]);
    const root = serverRoot(panel.dataDir, server.uuid);
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'world.dat'), 'data');

    const res = await admin.delete(`/api/application/servers/${server.id}`);
    expect(res.status).toBe(202);
    expect(res.body.attributes).toMatchObject({ server: server.uuid, jobs: [expect.any(Number)] });
    expect((await admin.delete(`/api/application/servers/${server.id}`)).status).toBe(409);
    await vi.waitFor(async () => {
      const tasks = await admin.get('/api/application/tasks?filter[kind]=server.cleanup');
      const job = tasks.body.data.find((t: { attributes: { id: number } }) => t.attributes.id === res.body.attributes.jobs[0]);
      expect(job?.attributes.status).toBe('done');
    }, { timeout: 60_000, interval: 200 });
    expect(await rowsOf('SELECT id FROM servers WHERE id = ?', [server.id])).toEqual([]);
    expect(await rowsOf('SELECT id FROM subusers WHERE server_id = ?', [server.id])).toEqual([]);
    expect(await rowsOf("SELECT server_id, primary_server_id FROM allocations WHERE ip = '127.0.0.9'")).toEqual([{ server_id: null, primary_server_id: null }]);
    expect(readdirSync(root)).toEqual([]);
    expect((await admin.get(`/api/application/servers/${server.id}`)).status).toBe(404);
    const audit = (await auditEvents(panel)).filter((e) => (e.properties as { server?: string }).server === server.uuid);
    expect(audit.map((e) => e.event)).toEqual(['admin:server.delete', 'admin:server.cleanup']);
    expect(audit[1]?.properties).toMatchObject({ removed: true, allocations: 1 });
  });
});
