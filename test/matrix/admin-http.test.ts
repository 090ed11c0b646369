import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PERMISSION_KEYS, type AdminPermission } from '@contracts/admin-permissions';
import { findAdminRoleByName, insertAdminRole, setRolesOfUser } from '@db/repositories/admin-roles';
import { insertApiKey } from '@db/repositories/api-keys';
import type { UserRow } from '@db/schema/users';
import { mintApiKey } from '@server/auth/api-key-token';
import { adminKeyOf, type RouteDef } from '@server/http/manifest';
import { manifest } from '@server/routes';
import { HttpClient, type HttpResult } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeUser, TEST_PASSWORD } from '../factories/records';
import { ADMIN_FIXTURES, type AdminPrepared } from './fixtures-admin';

/**
 * The admin permission matrix (DESIGN §21): every admin route of the manifest × every kind of caller, through a
 * session and through an application (`ptla_`) key, expected status derived from the route's `admin:` need.
 */
type Caller = 'anonymous' | 'customer' | 'noRoles' | 'exact' | 'allBut' | 'superAdmin' | 'clientKey' | 'scopedAllBut';
type Mode = 'session' | 'apiKey';
type Expect = 'ok' | 401 | 403;

const routes = (manifest as readonly RouteDef<unknown, unknown>[]).filter((def) => adminKeyOf(def.need));
const idOf = (def: RouteDef<unknown, unknown>) => `${def.method} ${def.path}`;

/** The routes DESIGN §21 names, with the key each needs. */
const REQUIRED: Readonly<Record<string, AdminPermission>> = {
  'GET /api/application/users': 'users.view',
  'POST /api/application/users': 'users.create',
  'PATCH /api/application/users/:user': 'users.update',
  'DELETE /api/application/users/:user': 'users.delete',
  'POST /api/application/users/:user/suspend': 'users.suspend',
  'POST /api/application/users/:user/impersonate': 'users.impersonate',
  'GET /api/application/servers': 'servers.view',
  'DELETE /api/application/servers/:id': 'servers.delete',
  'PATCH /api/application/nodes/:node': 'nodes.update',
  'DELETE /api/application/nodes/:node': 'nodes.delete',
  'POST /api/application/nodes/:node/test': 'nodes.view',
  'PATCH /api/application/database-hosts/:name': 'database-hosts.update',
  'POST /api/application/nodes/:node/token': 'nodes.update',
  'DELETE /api/application/allocations/:id': 'nodes.update',
  'PATCH /api/application/software/:id': 'software.update',
  'DELETE /api/application/software/:id': 'software.delete',
  'DELETE /api/application/database-hosts/:name': 'database-hosts.delete',
  'GET /api/application/roles': 'roles.view',
  'POST /api/application/roles': 'roles.create',
  'GET /api/application/audit': 'audit.view',
  'GET /api/application/ssh-keys': 'ssh-keys.view',
  'DELETE /api/application/ssh-keys/:id': 'ssh-keys.delete',
  'GET /api/application/tasks': 'tasks.view',
  'POST /api/application/mail/blasts': 'mail.send',
  'GET /api/application/mail/log': 'mail.view',
};

let panel: TestPanel;
let cheapHash: string;
beforeAll(async () => {
  panel = await startTestPanel();
  cheapHash = await argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
});
afterAll(async () => { await panel?.close(); });

const user = (overrides: Partial<UserRow> = {}) => makeUser(panel.app.db, { password: cheapHash, ...overrides });

async function adminWith(permissions: string[] | 'super'): Promise<UserRow> {
  const u = await user({ rootAdmin: true });
  const now = new Date();
  const role = permissions === 'super'
    ? await findAdminRoleByName(panel.app.db, 'super-admin')
    : await insertAdminRole(panel.app.db, { name: `m-${u.uuid.slice(0, 12)}`, permissions, createdAt: now, updatedAt: now });
  if (!role) throw new Error('super-admin role missing');
  await setRolesOfUser(panel.app.db, u.id, [role.id], now);
  return u;
}

async function callerFor(c: Caller, key: AdminPermission): Promise<UserRow | null> {
  switch (c) {
    case 'anonymous': return null;
    case 'customer': return user();
    case 'noRoles': return user({ rootAdmin: true });
    case 'exact': return adminWith([key]);
    case 'allBut': return adminWith(ADMIN_PERMISSION_KEYS.filter((k) => k !== key));
    case 'superAdmin': case 'clientKey': case 'scopedAllBut': return adminWith('super');
  }
}

async function clientFor(c: Caller, caller: UserRow | null, mode: Mode, key: AdminPermission): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  if (!caller) return mode === 'apiKey' ? client.withApiKey(`ptla_${'A'.repeat(16)}${'b'.repeat(32)}`) : client;
  if (c === 'clientKey') return client.withApiKey(await makeApiKey(panel.app.db, caller));
  if (mode === 'apiKey') {
    const minted = mintApiKey('application');
    await insertApiKey(panel.app.db, {
      userId: caller.id, identifier: minted.identifier, tokenHash: minted.hash, memo: 'matrix', allowedIps: [], keyType: 'application',
      adminPermissions: c === 'scopedAllBut' ? ADMIN_PERMISSION_KEYS.filter((k) => k !== key) : null, createdAt: new Date(),
    });
    return client.withApiKey(minted.token);
  }
  const login = await client.login(caller.email, TEST_PASSWORD);
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${login.text}`);
  await client.get('/api/client');
  return client;
}

function casesFor(): Array<{ caller: Caller; mode: Mode; expect: Expect }> {
  return [
    { caller: 'anonymous', mode: 'session', expect: 401 }, { caller: 'anonymous', mode: 'apiKey', expect: 401 },
    { caller: 'customer', mode: 'session', expect: 403 }, { caller: 'customer', mode: 'apiKey', expect: 403 },
    { caller: 'noRoles', mode: 'session', expect: 403 }, { caller: 'noRoles', mode: 'apiKey', expect: 403 },
    { caller: 'exact', mode: 'session', expect: 'ok' }, { caller: 'exact', mode: 'apiKey', expect: 'ok' },
    { caller: 'allBut', mode: 'session', expect: 403 }, { caller: 'allBut', mode: 'apiKey', expect: 403 },
    { caller: 'superAdmin', mode: 'session', expect: 'ok' }, { caller: 'superAdmin', mode: 'apiKey', expect: 'ok' },
    { caller: 'clientKey', mode: 'apiKey', expect: 401 },
    { caller: 'scopedAllBut', mode: 'apiKey', expect: 403 },
  ];
}

function url(def: RouteDef<unknown, unknown>, p: AdminPrepared): string {
  const path = def.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    const value = p.params?.[name];
    if (value === undefined) throw new Error(`${idOf(def)}: no fixture value for :${name} (add one to test/matrix/fixtures-admin.ts)`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(p.query ?? {}).toString();
  return query ? `${path}?${query}` : path;
}

function check(res: HttpResult, expected: Expect, label: string): void {
  const ok = expected === 'ok' ? res.status >= 200 && res.status < 300 : res.status === expected;
  expect(ok, `${label}: expected ${expected}, got ${res.status} ${res.text.slice(0, 300)}`).toBe(true);
}

describe('the admin manifest', () => {
  it('declares every admin route DESIGN §21 names, with its key', () => {
    const declared = Object.fromEntries(routes.map((def) => [idOf(def), adminKeyOf(def.need)]));
    const wrong = Object.entries(REQUIRED).filter(([id, key]) => declared[id] !== key);
    expect(wrong.map(([id, key]) => `${id} should need ${key}, declares ${declared[id] ?? 'nothing'}`)).toEqual([]);
  });

  it('gives the matrix a way to exercise every admin route, and a fixture only to routes that exist', () => {
    const missing = routes.filter((def) => !ADMIN_FIXTURES[idOf(def)] && (def.path.includes('/:')
      || (def.body && !def.body.safeParse(def.example?.body ?? {}).success))).map(idOf);
    expect(missing).toEqual([]);
    const ids = new Set(routes.map(idOf));
    expect(Object.keys(ADMIN_FIXTURES).filter((k) => !ids.has(k))).toEqual([]);
  });
});

for (const def of routes) {
  const key = adminKeyOf(def.need) as AdminPermission;
  describe(`${idOf(def)} (${key})`, () => {
    for (const c of casesFor()) {
      it(`as ${c.caller} via ${c.mode}`, async () => {
        const caller = await callerFor(c.caller, key);
        const fixture = ADMIN_FIXTURES[idOf(def)];
        const p: AdminPrepared = fixture
          ? await fixture({ app: panel.app, caller, user })
          : { body: def.example?.body ?? (def.body ? {} : undefined), query: def.example?.query };
        const expected = c.expect === 'ok' && c.mode === 'apiKey' && p.sessionOnly ? 403 : c.expect;
        const client = await clientFor(c.caller, caller, c.mode, key);
        const res = await client.request(def.method, url(def, p), p.body);
        check(res, expected, `${idOf(def)} as ${c.caller} via ${c.mode}`);
      });
    }
  });
}
