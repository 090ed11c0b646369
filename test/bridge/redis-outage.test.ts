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
import { setSubuserPermissions } from './revoke';
import { connectAs, type SocketProbe } from './socket-probe';

// Issue 23: Redis goes away while two panel instances hold sockets. A revocation made meanwhile must still take
// effect: at once on the instance that made it (without the request waiting on Redis), and on the other instance as
// soon as its subscription is back (pub/sub keeps nothing for an absent subscriber, so it re-reads everyone).
let redis: PrivateRedis;
let database: TestDatabase;
const dirs: string[] = [];
const panels: Cohost[] = [];
const probes: SocketProbe[] = [];
let server: ServerRow;
let member: UserRow;
let owner: UserRow;

async function boot(): Promise<Cohost> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-redis-outage-'));
  dirs.push(dir);
  const panel = await bootSharedPanel({ databaseUrl: database.url, redisUrl: redis.url, dataDir: dir });
  panels.push(panel);
  return panel;
}
async function signedIn(panel: Cohost, user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  await client.login(user.email, TEST_PASSWORD);
  await client.get('/api/health');
  return client;
}

beforeAll(async () => {
  redis = await startRedis();
  database = await createTestDatabase();
  await boot();
  await boot();
  owner = await makeUser(database.handle.db);
  member = await makeUser(database.handle.db);
  server = await makeServer(database.handle.db, owner);
  await makeSubuser(database.handle.db, server, member, ['control.console', 'file.read']);
});
afterAll(async () => {
  for (const p of probes) p.close();
  for (const p of panels) await p.close();
  await database?.drop();
  await redis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 180_000); // two panels whose Redis clients reconnected; slow to close on a loaded machine

describe('a Redis outage', () => {
  it('loses no revocation: the local instance applies it at once, the other when its subscription returns', async () => {
    const [a, b] = panels as [Cohost, Cohost];
    const ownerOnA = await signedIn(a, owner);
    const onA = await connectAs(await signedIn(a, member), server.uuid);
    const onB = await connectAs(await signedIn(b, member), server.uuid);
    probes.push(onA, onB);

    await redis.stop();
    const fromA = onA.seen.length;
    const fromB = onB.seen.length;
    // The change commits and answers although Redis is down; A's own socket hears it at once.
    await setSubuserPermissions(ownerOnA, server, member, ['file.read']);
    expect([...(await onA.next('permissions', fromA) as string[])].sort()).toEqual(['file.read', 'websocket.connect']);
    onA.emit('send command', 'say hi');
    expect(await onA.next('permission denied', fromA)).toEqual({ event: 'send command', permission: 'control.console' });

    // B missed the message; once Redis is back it re-reads the access of every socket it holds.
    redis = await startRedis(redis.port);
    expect([...(await onB.next('permissions', fromB) as string[])].sort()).toEqual(['file.read', 'websocket.connect']);
    onB.emit('send command', 'say hi');
    expect(await onB.next('permission denied', fromB)).toEqual({ event: 'send command', permission: 'control.console' });

    // And the bus works again across instances.
    const again = onB.seen.length;
    await setSubuserPermissions(ownerOnA, server, member, ['file.read', 'control.console']);
    expect([...(await onB.next('permissions', again) as string[])].sort()).toEqual(['control.console', 'file.read', 'websocket.connect']);
  });
});
