import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByExternalId } from '@db/repositories/users';
import { startHostPanel, type HostPanel } from '../../examples/host-panel/main';
import { SocketProbe } from '../bridge/socket-probe';
import { createTestDatabase, type TestDatabase } from '../factories/database';
import { HttpClient } from '../factories/http';
import { makeServer } from '../factories/records';

const JWT_SECRET = 'example-host-jwt-secret-0123456789abcdef';
let hostDb: TestDatabase;
let cohostDb: TestDatabase;
let dataDir: string;
let panel: HostPanel;
const probes: SocketProbe[] = [];

beforeAll(async () => {
  hostDb = await createTestDatabase({ migrate: false });
  cohostDb = await createTestDatabase({ migrate: false });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'host-panel-'));
  panel = await startHostPanel({ HOST_DATABASE_URL: hostDb.url, COHOST_DATABASE_URL: cohostDb.url, JWT_SECRET, DATA_DIR: dataDir });
  await panel.users.add({ email: 'alice@host.example', name: 'Alice', password: 'alice-pass' });
  await panel.users.add({ email: 'bob@host.example', name: 'Bob', password: 'bob-pass' });
}, 120_000);
afterAll(async () => {
  for (const p of probes) p.close();
  await panel?.close();
  await hostDb?.drop();
  await cohostDb?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A browser on the host panel: host login (its cookie), then the JWT it hands to Cohost's grid and socket. */
async function hostLogin(email: string, password: string): Promise<{ host: HttpClient; cohost: HttpClient }> {
  const host = new HttpClient(panel.url);
  expect((await host.post('/login', { email, password })).status).toBe(200);
  const token = await host.get('/cohost-token');
  expect(token.status).toBe(200);
  return { host, cohost: new HttpClient(`${panel.url}/cohost/`, undefined, { authorization: `Bearer ${token.body.token}` }) };
}

async function socketFor(client: HttpClient, serverUuid: string): Promise<SocketProbe> {
  const res = await client.get(`api/client/servers/${serverUuid}/websocket`);
  expect(res.status).toBe(200);
  expect(res.body.data.socket).toBe(`${panel.url}/bridge`);
  const probe = SocketProbe.open(res.body.data.socket);
  probes.push(probe);
  probe.emit('auth', res.body.data.token);
  await probe.next('auth success', 0);
  return probe;
}

describe('examples/host-panel: a host with its own users, Cohost mounted inside', () => {
  it('refuses Cohost\'s API to anyone without a host token, and a wrong host password', async () => {
    expect((await new HttpClient(`${panel.url}/cohost/`).get('api/client/account')).status).toBe(401);
    expect((await new HttpClient(panel.url).post('/login', { email: 'alice@host.example', password: 'nope' })).status).toBe(401);
    expect((await new HttpClient(panel.url).get('/cohost-token')).status).toBe(401);
  });

  it('host login → grid → socket command refused, then allowed once the owner grants control.console', async () => {
    const alice = await hostLogin('alice@host.example', 'alice-pass');
    const account = await alice.cohost.get('api/client/account');
    expect(account.status).toBe(200);
    expect(account.body.attributes.email).toBe('alice@host.example');
    // The host provisions a server for its user (as it would through its own billing flow).
    const aliceAccount = (await findUserByExternalId(panel.cohost.app.db, 'host-1'))!;
    const server = await makeServer(panel.cohost.app.db, aliceAccount);

    // The grid's data: the catalogue, and inviting the host's other user by email (not yet linked: pending).
    const catalogue = await alice.cohost.get('api/client/permissions');
    expect(Object.keys(catalogue.body.attributes.permissions)).toContain('control');
    const invite = await alice.cohost.post(`api/client/servers/${server.uuid}/users`, { email: 'bob@host.example', permissions: ['file.read'] });
    expect(invite.status).toBe(200);
    expect(invite.body.attributes.status).toBe('invited');

    // Bob signs in to the host: his Cohost account is linked and his invitation is active, no Cohost password.
    const bob = await hostLogin('bob@host.example', 'bob-pass');
    const view = await bob.cohost.get(`api/client/servers/${server.uuid}`);
    expect(view.status).toBe(200);
    expect(view.body.meta.user_permissions).toEqual(expect.arrayContaining(['file.read', 'websocket.connect']));

    expect((await alice.cohost.post(`api/client/servers/${server.uuid}/power`, { signal: 'start' })).status).toBe(204);
    const watcher = await socketFor(alice.cohost, server.uuid);
    await watcher.until(() => watcher.of('status').includes('running'), 'running');

    const socket = await socketFor(bob.cohost, server.uuid);
    let from = socket.seen.length;
    socket.emit('send command', 'say bob-before');
    expect(await socket.next('permission denied', from)).toEqual({ event: 'send command', permission: 'control.console' });

    const bobUuid = invite.body.attributes.uuid as string;
    from = socket.seen.length;
    expect((await alice.cohost.post(`api/client/servers/${server.uuid}/users/${bobUuid}`, { permissions: ['file.read', 'control.console'] })).status).toBe(200);
    await socket.next('permissions', from);
    socket.emit('send command', 'say bob-after');
    await watcher.until(() => watcher.lines().some((l) => l.endsWith('[Server] bob-after')), 'bob-after on the console');
    expect(watcher.lines().some((l) => l.endsWith('[Server] bob-before'))).toBe(false);
  }, 120_000);
});
