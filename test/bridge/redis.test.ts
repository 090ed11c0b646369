import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cohost } from '@server/boot';
import { bootSharedPanel } from '../factories/panel';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { createTestDatabase, type TestDatabase } from '../factories/database';
import { HttpClient } from '../factories/http';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { startRedis, type PrivateRedis } from './redis-server';
import { removeSubuser, setSubuserPermissions } from './revoke';
import { startStandaloneBridge, type StandaloneBridge } from '@bridge/standalone';
import { connectAs, SocketProbe } from './socket-probe';

let redis: PrivateRedis;
let database: TestDatabase;
const dirs: string[] = [];
const panels: Cohost[] = [];
let server: ServerRow;
let member: UserRow;
let bystander: UserRow;
/** The owner signed in on instance A: revocations are made there, through the subuser routes. */
let ownerOnA: HttpClient;
const probes: SocketProbe[] = [];
let standalone: StandaloneBridge | undefined;

async function boot(): Promise<Cohost> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-redis-'));
  dirs.push(dir);
  const panel = await bootSharedPanel({ databaseUrl: database.url, redisUrl: redis.url, dataDir: dir });
  panels.push(panel);
  return panel;
}
async function signedIn(panel: Cohost, user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  await client.login(user.email, TEST_PASSWORD);
  await client.get('/api/health'); // the regenerated session's XSRF cookie
  return client;
}

beforeAll(async () => {
  redis = await startRedis();
  database = await createTestDatabase();
  await boot();
  await boot();
  const owner = await makeUser(database.handle.db);
  member = await makeUser(database.handle.db);
  bystander = await makeUser(database.handle.db);
  server = await makeServer(database.handle.db, owner);
  await makeSubuser(database.handle.db, server, member, ['control.console']);
  await makeSubuser(database.handle.db, server, bystander, ['control.console']);
  ownerOnA = await signedIn(panels[0]!, owner);
});
afterAll(async () => {
  for (const p of probes) p.close();
  await standalone?.close();
  for (const p of panels) await p.close();
  await database?.drop();
  await redis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('two panel instances sharing one database and Redis', () => {
  it('a permission change made on A reaches the socket held by B in place; removal on A disconnects it', async () => {
    const b = panels[1]!; // the changes are made on A (panels[0]) by ownerOnA
    const onB = await connectAs(await signedIn(b, member), server.uuid);
    const other = await connectAs(await signedIn(b, bystander), server.uuid);
    probes.push(onB, other);
    // Before the change B lets the command through to its daemon (which answers that the server is offline).
    onB.emit('send command', 'say hi');
    expect(await onB.next('daemon error', 0)).toBe('The server is offline.');

    const from = onB.seen.length;
    await setSubuserPermissions(ownerOnA, server, member, ['file.read']);
    expect([...(await onB.next('permissions', from) as string[])].sort()).toEqual(['file.read', 'websocket.connect']);
    onB.emit('send command', 'say hi');
    expect(await onB.next('permission denied', from)).toEqual({ event: 'send command', permission: 'control.console' });

    await removeSubuser(ownerOnA, server, member);
    await onB.until(() => onB.disconnected, 'disconnect on B');
    expect(other.disconnected).toBe(false);
    expect(other.of('permissions')).toEqual([]);
  });

  it('a stand-alone bridge sharing APP_KEY, the database and Redis accepts the panel\'s tokens and hears its revocations', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-bridge-'));
    dirs.push(dir);
    standalone = await startStandaloneBridge({
      DATABASE_URL: database.url, APP_KEY: 'k'.repeat(48), REDIS_URL: redis.url, BRIDGE_PORT: '0', BRIDGE_HOST: '127.0.0.1',
      DATA_DIR: dir, LOG_LEVEL: 'silent',
    });
    const [a] = panels as [Cohost];
    const token = (await (await signedIn(a, bystander)).get(`/api/client/servers/${server.uuid}/websocket`)).body.data.token;
    const p = SocketProbe.open(`http://127.0.0.1:${standalone.port}/bridge`);
    probes.push(p);
    p.emit('auth', token);
    const granted = await p.next('auth success', 0) as { permissions: string[] };
    expect([...granted.permissions].sort()).toEqual(['control.console', 'websocket.connect']);
    const from = p.seen.length;
    await setSubuserPermissions(ownerOnA, server, bystander, []);
    expect(await p.next('permissions', from)).toEqual(['websocket.connect']);
    p.emit('send command', 'say hi');
    expect(await p.next('permission denied', from)).toEqual({ event: 'send command', permission: 'control.console' });
  });
});
