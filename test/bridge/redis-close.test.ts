import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeClient, connectAdapterClients, RedisBus } from '@bridge/bus-redis';
import { RedisSharedStore } from '@server/shared/redis-store';
import { bootSharedPanel } from '../factories/panel';
import { createTestDatabase, type TestDatabase } from '../factories/database';
import { HttpClient } from '../factories/http';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { startRedis, type PrivateRedis } from './redis-server';
import { connectAs } from './socket-probe';

// Issue 23, CI: a panel whose Redis stopped answering must still shut down, and the commands it gave up on must not
// surface as unhandled rejections (the socket.io adapter sends PUBLISH and UNSUBSCRIBE without awaiting them).
let redis: PrivateRedis;
let unhandled: unknown[] = [];
const record = (reason: unknown): void => { unhandled.push(reason); };
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

beforeEach(async () => {
  unhandled = [];
  process.on('unhandledRejection', record);
  redis = await startRedis();
});
afterEach(async () => {
  process.off('unhandledRejection', record);
  await redis.stop();
});

describe('closing Redis clients when Redis does not answer', () => {
  it('the adapter clients close, and the commands the adapter did not await are handled', async () => {
    const errors: unknown[] = [];
    const clients = await connectAdapterClients(redis.url, (err) => errors.push(err));
    await clients.sub.subscribe('cohost:test', () => undefined);
    redis.pause();
    void clients.pub.publish('cohost:test', 'lost');
    void clients.sub.unsubscribe('cohost:test');
    await clients.close();
    await settle();
    expect(unhandled).toEqual([]);
    expect(clients.pub.isOpen).toBe(false);
    expect(clients.sub.isOpen).toBe(false);
  });

  it('an awaited command still sees its failure through the view', async () => {
    const clients = await connectAdapterClients(redis.url);
    redis.pause();
    const pending = clients.pub.publish('cohost:test', 'lost');
    await clients.close();
    await expect(pending).rejects.toThrow();
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('the revocation bus and the shared store close', async () => {
    const bus = await RedisBus.connect(redis.url);
    const store = await RedisSharedStore.connect(redis.url);
    redis.pause();
    await bus.publish({ userUuid: 'someone', serverUuid: null });
    const spend = store.spendOnce('key', 1_000);
    await Promise.all([bus.close(), store.close()]);
    await expect(spend).rejects.toThrow();
    await settle();
    expect(unhandled).toEqual([]);
  });

  it('a client that answers is closed after its pending commands are answered', async () => {
    const bus = await RedisBus.connect(redis.url);
    const store = await RedisSharedStore.connect(redis.url);
    const spend = store.spendOnce('answered', 60_000);
    await store.close();
    expect(await spend).toBe(true);
    await bus.close();
    expect(unhandled).toEqual([]);
  });

  it('closing twice, or a client already closed, is harmless', async () => {
    const clients = await connectAdapterClients(redis.url);
    await clients.close();
    await clients.close();
    await closeClient(clients.pub);
  });
});

describe('a panel whose Redis froze', () => {
  let database: TestDatabase;
  const dirs: string[] = [];
  afterAll(async () => {
    await database?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('shuts down with sockets connected, without unhandled rejections', async () => {
    database = await createTestDatabase();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-redis-close-'));
    dirs.push(dir);
    const panel = await bootSharedPanel({ databaseUrl: database.url, redisUrl: redis.url, dataDir: dir });
    const owner = await makeUser(database.handle.db);
    const member = await makeUser(database.handle.db);
    const server = await makeServer(database.handle.db, owner);
    await makeSubuser(database.handle.db, server, member, ['control.console']);
    const client = new HttpClient(panel.url);
    await client.login(member.email, TEST_PASSWORD);
    const probe = await connectAs(client, server.uuid);
    redis.pause();
    probe.emit('send command', 'say hi');
    await panel.close();
    probe.close();
    await settle();
    expect(unhandled).toEqual([]);
  }, 60_000);
});
