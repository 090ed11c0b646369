import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cohost } from '@server/boot';
import { bootSharedPanel } from '../factories/panel';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startRedis, type PrivateRedis } from '../bridge/redis-server';
import { createTestDatabase, type TestDatabase } from '../factories/database';
import { HttpClient } from '../factories/http';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';

// Two panel instances on one database, one data directory and one Redis, as behind one load balancer (issue 23):
// limits and single-use links must hold across them, not per process.
let redis: PrivateRedis;
let database: TestDatabase;
let dataDir: string;
const panels: Cohost[] = [];
let owner: UserRow;
let server: ServerRow;

async function boot(): Promise<Cohost> {
  const panel = await bootSharedPanel({
    databaseUrl: database.url, redisUrl: redis.url, dataDir,
    env: { TRUST_PROXY: 'true', LOGIN_RATE_LIMIT: '5', LOGIN_RATE_WINDOW_SECONDS: '60', SERVER_THROTTLES: 'subuser.create=2/600' },
  });
  panels.push(panel);
  return panel;
}

async function signedIn(panel: Cohost, user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(200);
  await client.get('/api/health');
  return client;
}

beforeAll(async () => {
  redis = await startRedis();
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-shared-'));
  await boot();
  await boot();
  owner = await makeUser(database.handle.db);
  server = await makeServer(database.handle.db, owner);
});
afterAll(async () => {
  for (const p of panels.splice(0)) await p.close();
  await database?.drop();
  await redis?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const [a, b] = [() => panels[0]!, () => panels[1]!];
const from = (panel: Cohost, ip: string) => new HttpClient(panel.url, undefined, { 'x-forwarded-for': ip });

describe('limits shared through Redis', () => {
  it('counts failed sign-ins on one account across both instances', async () => {
    const user = await makeUser(database.handle.db);
    for (let i = 1; i <= 3; i++) expect((await from(a(), `10.9.0.${i}`).login(user.email, 'wrong')).status).toBe(401);
    for (let i = 4; i <= 5; i++) expect((await from(b(), `10.9.0.${i}`).login(user.email, 'wrong')).status).toBe(401);
    const sixth = await from(a(), '10.9.0.6').login(user.email, TEST_PASSWORD);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await from(b(), '10.9.0.7').login(user.email, TEST_PASSWORD)).status).toBe(429);
  });

  it('counts failed sign-ins from one address across both instances', async () => {
    for (let i = 1; i <= 5; i++) {
      const panel = i % 2 ? a() : b();
      expect((await from(panel, '10.8.0.1').login(`nobody-${i}@example.com`, 'wrong')).status).toBe(401);
    }
    const user = await makeUser(database.handle.db);
    expect((await from(b(), '10.8.0.1').login(user.email, TEST_PASSWORD)).status).toBe(429);
    expect((await from(b(), '10.8.0.2').login(user.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('throttles subuser creation per server across both instances', async () => {
    const onA = await signedIn(a(), owner);
    const onB = await signedIn(b(), owner);
    const base = `/api/client/servers/${server.identifier}/users`;
    const invite = (c: HttpClient, n: number) => c.post(base, { email: `throttle-${n}-${Date.now()}@example.com`, permissions: ['control.console'] });
    expect((await invite(onA, 1)).status).toBe(200);
    expect((await invite(onB, 2)).status).toBe(200);
    const third = await invite(onA, 3);
    expect(third.status).toBe(429);
    expect(third.body.errors[0]).toMatchObject({ code: 'TooManyRequestsHttpException', status: '429' });
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(500);
    // Another server has its own allowance.
    const other = await makeServer(database.handle.db, owner);
    expect((await onB.post(`/api/client/servers/${other.identifier}/users`, { email: `other-${Date.now()}@example.com`, permissions: [] })).status).toBe(200);
  });

  it('spends a download link once across both instances', async () => {
    const root = serverRoot(dataDir, server.uuid);
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'shared.txt'), 'ONCE');
    const onA = await signedIn(a(), owner);
    const link = await onA.get(`/api/client/servers/${server.identifier}/files/download?file=/shared.txt`);
    const url = new URL(link.body.attributes.url);
    const first = await new HttpClient(b().url).get(url.pathname);
    expect(first.status).toBe(200);
    expect(first.text).toBe('ONCE');
    expect((await new HttpClient(a().url).get(url.pathname)).status).toBe(403);
    expect((await new HttpClient(b().url).get(url.pathname)).status).toBe(403);
  });
});
