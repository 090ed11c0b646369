import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPermission, PERMISSION_KEYS, type Permission } from '@contracts/permissions';
import { serverRoot } from '@bridge/files/local-filesystem';
import { manifest } from '@server/routes';
import type { ServerRow } from '@db/schema/servers';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser } from '../factories/records';

/**
 * The permission matrix for every file route of the manifest, with the fixtures their examples name reset before
 * each allowed call: exactly the key → allowed; every key but it → 403; strangers and other servers' subusers → 404;
 * anonymous → 401; owner and root admin → allowed.
 */
let panel: TestPanel;
let server: ServerRow;
let root: string;
let tarball: Buffer;
const routes = manifest.filter((r) => r.path.startsWith('/api/client/servers/:server/files'));

async function apiClient(keys: string[] | 'owner' | 'admin' | 'stranger' | 'other'): Promise<HttpClient> {
  let user;
  if (keys === 'owner') user = await makeUser(panel.app.db);
  else user = await makeUser(panel.app.db, keys === 'admin' ? { rootAdmin: true } : {});
  if (keys === 'owner') server = await makeServer(panel.app.db, user);
  if (Array.isArray(keys)) await makeSubuser(panel.app.db, server, user, keys);
  if (keys === 'other') await makeSubuser(panel.app.db, await makeServer(panel.app.db, await makeUser(panel.app.db)), user, [...PERMISSION_KEYS]);
  return new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
}

function reset(): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'matrix.txt'), 'hello');
  writeFileSync(path.join(root, 'matrix.tar.gz'), tarball);
}

function call(client: HttpClient, route: (typeof routes)[number]) {
  const query = new URLSearchParams(route.example?.query ?? {}).toString();
  const url = route.path.replace(':server', server.identifier) + (query ? `?${query}` : '');
  const body = route.example?.body;
  if (route.rawBody) return client.request(route.method, url, body ?? '', { raw: true, headers: { 'content-type': 'text/plain' } });
  return client.request(route.method, url, route.method === 'GET' ? undefined : (body ?? {}));
}

let owner: HttpClient;
beforeAll(async () => {
  panel = await startTestPanel();
  owner = await apiClient('owner');
  root = serverRoot(panel.dataDir, server.uuid);
  const staging = mkdtempSync(path.join(os.tmpdir(), 'cohost-matrix-'));
  writeFileSync(path.join(staging, 'inside.txt'), 'inside');
  await tarCreate({ gzip: true, cwd: staging, file: path.join(staging, 'm.tar.gz') }, ['inside.txt']);
  tarball = readFileSync(path.join(staging, 'm.tar.gz'));
  rmSync(staging, { recursive: true, force: true });
});
afterAll(async () => { await panel?.close(); });

describe('file routes × permission matrix', () => {
  it('declares every file route with a key and an example', () => {
    expect(routes.length).toBeGreaterThanOrEqual(14);
    for (const r of routes) {
      expect(isPermission(r.need), `${r.method} ${r.path}`).toBe(true);
      if (!r.path.includes('/trash')) expect(r.example, `${r.method} ${r.path}`).toBeDefined();
    }
  });

  for (const route of routes) {
    it(`${route.method} ${route.path.replace('/api/client/servers/:server', '')}`, async () => {
      const key = route.need as Permission;
      const exact = await apiClient([key]);
      const allBut = await apiClient(PERMISSION_KEYS.filter((k) => k !== key));
      const admin = await apiClient('admin');
      for (const [who, client] of [['exact key', exact], ['owner', owner], ['root admin', admin]] as const) {
        reset();
        const res = await call(client, route);
        expect(res.status, `${who}: ${res.text}`).toBeLessThan(300);
      }
      reset();
      expect((await call(allBut, route)).status).toBe(403);
      expect((await call(await apiClient('stranger'), route)).status).toBe(404);
      expect((await call(await apiClient('other'), route)).status).toBe(404);
      expect((await call(new HttpClient(panel.url), route)).status).toBe(401);
    });
  }
});
