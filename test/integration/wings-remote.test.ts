import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { findBackupByUuid, insertBackup } from '@db/repositories/backups';
import { activityLogs } from '@db/schema/activity';
import { servers, type NodeRow, type ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { createNode } from '@server/services/nodes/create-node';
import { announceToNode } from '@server/services/nodes/announce-server';
import { FakeWings } from '../fakes/wings/fake-wings';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { connectAs } from '../bridge/socket-probe';

/** A panel driving a fake Wings node end to end (DESIGN §19): client API → WingsDaemon, and the remote API Wings calls. */
/** Without APP_URL the panel's Origin is http://localhost:<PORT> (PORT is 0 in tests); the node is configured with it. */
const ORIGIN = 'http://localhost:0';
const TOKEN_A = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TOKEN_B = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
let panel: TestPanel;
let wings: FakeWings;
let nodeA: NodeRow;
let nodeB: NodeRow;
let owner: UserRow;
let server: ServerRow;
let otherServer: ServerRow;
let client: HttpClient;
const asNode = (tokenId: string, token: string) => new HttpClient(panel.url, undefined, { authorization: `Bearer ${tokenId}.${token}` });

beforeAll(async () => {
  panel = await startTestPanel();
  wings = new FakeWings({ token: TOKEN_A, allowedOrigin: ORIGIN });
  await wings.start();
  nodeA = (await createNode(panel.app.db, panel.app.secrets.appKey, { name: 'node-a', url: wings.url, tokenId: 'AAAAAAAAAAAAAAAA', token: TOKEN_A }, new Date())).node;
  nodeB = (await createNode(panel.app.db, panel.app.secrets.appKey, { name: 'node-b', url: 'http://127.0.0.1:1', tokenId: 'BBBBBBBBBBBBBBBB', token: TOKEN_B }, new Date())).node;
  owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner, { nodeId: nodeA.id, startupCommand: 'java -jar server.jar' });
  otherServer = await makeServer(panel.app.db, owner, { nodeId: nodeB.id });
  expect(await announceToNode(panel.app.db, panel.app.secrets.appKey, server, false)).toMatchObject({ announced: true });
  client = new HttpClient(panel.url);
  await client.login(owner.email, TEST_PASSWORD);
});
afterAll(async () => {
  await panel?.close();
  await wings?.close();
});

describe('client API on a server of a Wings node', () => {
  it('creates the server on its node, then starts it there (204) and sends it commands', async () => {
    expect(wings.servers.has(server.uuid)).toBe(true);
    expect((await client.post(`/api/client/servers/${server.uuid}/command`, { command: 'say hi' })).status).toBe(409);
    expect((await client.post(`/api/client/servers/${server.uuid}/power`, { signal: 'start' })).status).toBe(204);
    for (let i = 0; i < 200 && wings.servers.get(server.uuid)?.state !== 'running'; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await client.post(`/api/client/servers/${server.uuid}/command`, { command: 'say hi' })).status).toBe(204);
    expect(wings.requests).toContainEqual(expect.objectContaining({ method: 'POST', path: `/api/servers/${server.uuid}/commands`, body: { commands: ['say hi'] } }));
    expect((await client.post(`/api/client/servers/${server.uuid}/power`, { signal: 'kill' })).status).toBe(204);
  });

  it('serves every browser socket of the server from one upstream socket to the node, each judged by the gateway', async () => {
    const a = await connectAs(client, server.identifier);
    const b = await connectAs(client, server.identifier);
    await a.next('status', 0);
    await b.next('status', 0);
    const upstream = () => [...wings.sockets].filter((h) => h.server.uuid === server.uuid).length;
    await a.until(() => upstream() === 1 || false, 'one upstream socket');
    a.emit('set state', 'start');
    await a.until(() => a.seen.some((x) => x.event === 'status' && x.payload === 'running') || false, 'running on socket a');
    await b.until(() => b.seen.some((x) => x.event === 'status' && x.payload === 'running') || false, 'running on socket b');
    a.emit('send command', 'say through-the-bridge');
    await b.until(() => JSON.stringify(b.seen.filter((x) => x.event === 'console output')).includes('through-the-bridge') || false, 'the console line on socket b');
    expect(upstream()).toBe(1);
    a.emit('set state', 'kill');
    await a.until(() => a.seen.some((x) => x.event === 'status' && x.payload === 'offline') || false, 'offline');
    a.close(); b.close();
  });

  it('lists and reads files from the node', async () => {
    expect((await client.post(`/api/client/servers/${server.uuid}/files/write?file=/hello.txt`, 'hi there', { raw: true, headers: { 'content-type': 'text/plain' } })).status).toBe(204);
    const list = await client.get(`/api/client/servers/${server.uuid}/files/list?directory=/`);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain('hello.txt');
    expect((await client.get(`/api/client/servers/${server.uuid}/files/contents?file=/hello.txt`)).text).toBe('hi there');
  });

  it('answers 503 with a clear detail when the node cannot be reached', async () => {
    const res = await client.post(`/api/client/servers/${otherServer.uuid}/power`, { signal: 'start' });
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).toContain('node-b');
  });

  it('keeps a browser socket of a server whose node is down, and says why', async () => {
    const probe = await connectAs(client, otherServer.identifier);
    expect(await probe.next('daemon error', 0)).toMatch(/node cannot be reached/);
    probe.close();
  });

  it('passes a revocation on to the node (deauthorize-user on 1.12)', async () => {
    const friend = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, friend, ['websocket.connect', 'control.console']);
    const res = await client.delete(`/api/client/servers/${server.uuid}/users/${friend.uuid}`);
    expect(res.status).toBe(204);
    for (let i = 0; i < 200 && !wings.deauthorized.some((d) => d.user === friend.uuid); i++) await new Promise((r) => setTimeout(r, 25));
    expect(wings.deauthorized).toContainEqual({ user: friend.uuid, servers: [server.uuid] });
  });
});

describe('remote API for Wings', () => {
  it('refuses a caller without a node token (403), and answers a node only about its own servers', async () => {
    expect((await new HttpClient(panel.url).get(`/api/remote/servers/${server.uuid}`)).status).toBe(403);
    expect((await asNode('AAAAAAAAAAAAAAAA', TOKEN_B).get(`/api/remote/servers/${server.uuid}`)).status).toBe(403);
    const res = await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).get(`/api/remote/servers/${server.uuid}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      settings: { uuid: server.uuid, invocation: 'java -jar server.jar', suspended: false, build: { io_weight: 500 }, allocations: { mappings: {} } },
      process_configuration: { stop: { type: 'command' }, startup: { done: expect.any(Array) } },
    });
    expect((await asNode('BBBBBBBBBBBBBBBB', TOKEN_B).get(`/api/remote/servers/${server.uuid}`)).status).toBe(404);
    const list = await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).get('/api/remote/servers?per_page=10');
    expect((list.body as { data: { uuid: string }[] }).data.map((d) => d.uuid)).toEqual([server.uuid]);
    expect(list.body).toMatchObject({ meta: { total: 1, last_page: 1, current_page: 1 } });
  });

  it('never lets a node report on another node\'s backup (Pelican cross-node IDOR), and records its own once', async () => {
    const now = new Date();
    const backup = await insertBackup(panel.app.db, { uuid: randomUUID(), serverId: server.id, name: 'b', ignoredFiles: [], createdAt: now, updatedAt: now });
    const body = { successful: true, checksum: 'deadbeef', checksum_type: 'sha1', size: 42 };
    expect((await asNode('BBBBBBBBBBBBBBBB', TOKEN_B).post(`/api/remote/backups/${backup.uuid}`, body)).status).toBe(404);
    expect((await findBackupByUuid(panel.app.db, backup.uuid))?.completedAt).toBeNull();
    expect((await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).post(`/api/remote/backups/${backup.uuid}`, body)).status).toBe(204);
    expect((await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).post(`/api/remote/backups/${backup.uuid}`, { ...body, size: 7 })).status).toBe(204);
    expect(await findBackupByUuid(panel.app.db, backup.uuid)).toMatchObject({ isSuccessful: true, checksum: 'sha1:deadbeef', bytes: 42 });
    const rows = await panel.app.db.select().from(activityLogs).where(and(eq(activityLogs.serverId, server.id), eq(activityLogs.event, 'server:backup.complete')));
    expect(rows).toHaveLength(1);
    expect((await asNode('BBBBBBBBBBBBBBBB', TOKEN_B).post(`/api/remote/backups/${backup.uuid}/restore`, { successful: true })).status).toBe(404);
  });

  it('keeps only server: events of the node\'s own servers from an activity batch', async () => {
    const at = new Date().toISOString();
    const res = await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).post('/api/remote/activity', { data: [
      { user: owner.uuid, server: server.uuid, event: 'server:sftp.write', metadata: { files: ['/a'] }, ip: '127.0.0.1', timestamp: at },
      { user: owner.uuid, server: otherServer.uuid, event: 'server:sftp.write', metadata: {}, ip: '127.0.0.1', timestamp: at },
      { user: owner.uuid, server: server.uuid, event: 'auth:login', metadata: {}, ip: '127.0.0.1', timestamp: at },
    ] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recorded: 1 });
    const other = await panel.app.db.select().from(activityLogs).where(and(eq(activityLogs.serverId, otherServer.id), eq(activityLogs.event, 'server:sftp.write')));
    expect(other).toHaveLength(0);
  });

  it('gives the install script and takes the install\'s outcome; a reset clears what a node reboot left', async () => {
    const script = await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).get(`/api/remote/servers/${server.uuid}/install`);
    expect(script.body).toMatchObject({ entrypoint: expect.any(String), script: expect.any(String), container_image: expect.any(String) });
    expect((await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).post(`/api/remote/servers/${server.uuid}/install`, { successful: false, reinstall: true })).status).toBe(204);
    const [row] = await panel.app.db.select().from(servers).where(eq(servers.id, server.id));
    expect(row?.status).toBe('reinstall_failed');
    expect((await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).post(`/api/remote/servers/${server.uuid}/install`, { successful: true })).status).toBe(204);
    expect((await asNode('AAAAAAAAAAAAAAAA', TOKEN_A).post('/api/remote/servers/reset', {})).status).toBe(204);
  });
});
