import argon2 from 'argon2';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALWAYS_GRANTED, PERMISSION_KEYS, isPermission, type Permission } from '@contracts/permissions';
import type { UserRow } from '@db/schema/users';
import { openTotpSecret } from '@server/auth/totp';
import { adminKeyOf, type RouteDef } from '@server/http/manifest';
import { manifest } from '@server/routes';
import { HttpClient, type HttpResult } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { FIXTURES, VARIANTS, type Fixture, type Prepared, type Scene } from './fixtures';
import { HOST_CATEGORIES, HOST_ROUTES } from './fixtures-host';
import { killToOffline } from './processes';

/**
 * The HTTP permission matrix (DESIGN §11): every route of the manifest × every kind of caller, through a session and
 * through an API key, with the expected status derived from the route's `need` (and `needFor`). Each case runs on a
 * fresh server and fresh callers. A route the matrix cannot exercise (no fixture, no usable example) fails.
 */
type Role = 'anonymous' | 'stranger' | 'otherSubuser' | 'exact' | 'allBut' | 'member' | 'owner' | 'admin' | 'user'
  | 'ownerSuspended' | 'adminSuspended';
type Mode = 'session' | 'apiKey';
/** `reachable`: a public route without a fixture answers an anonymous caller with anything but 401 (no guard). */
type Expect = 'ok' | 'reachable' | 401 | 403 | 404 | 409;
interface Case { role: Role; mode: Mode; expect: Expect }

// Cohost's manifest plus a host panel's own routes guarded by a host-registered category (DESIGN §23); admin routes
// (`admin:` needs) are proven by their own matrix: test/matrix/admin-http.test.ts.
const routes = ([...manifest, ...HOST_ROUTES] as readonly RouteDef<unknown, unknown>[]).filter((def) => !adminKeyOf(def.need));
const idOf = (def: RouteDef<unknown, unknown>) => `${def.method} ${def.path}`;
const hasServer = (def: RouteDef<unknown, unknown>) => def.path.includes(':server');

/** Routes DESIGN §5 requires, with the need it states; a missing or differently guarded one fails the matrix. */
const REQUIRED: Readonly<Record<string, string>> = {
  'GET /api/client': 'auth',
  'GET /api/client/permissions': 'auth',
  'GET /api/client/account': 'auth',
  'PUT /api/client/account/email': 'auth',
  'PUT /api/client/account/password': 'auth',
  'GET /api/client/account/two-factor': 'auth',
  'POST /api/client/account/two-factor': 'auth',
  'DELETE /api/client/account/two-factor': 'auth',
  'GET /api/client/account/api-keys': 'session',
  'POST /api/client/account/api-keys': 'session',
  'DELETE /api/client/account/api-keys/:identifier': 'session',
  'GET /api/client/account/ssh-keys': 'auth',
  'POST /api/client/account/ssh-keys': 'auth',
  'POST /api/client/account/ssh-keys/remove': 'auth',
  'GET /api/client/servers/:server': 'access',
  'GET /api/client/servers/:server/users': 'user.read',
  'POST /api/client/servers/:server/users': 'user.create',
  'GET /api/client/servers/:server/users/:user': 'user.read',
  'POST /api/client/servers/:server/users/:user': 'user.update',
  'DELETE /api/client/servers/:server/users/:user': 'user.delete',
  'POST /api/client/servers/:server/users/:user/resend': 'user.create',
  'POST /api/client/servers/:server/leave': 'subuser',
  'GET /api/client/servers/:server/activity': 'activity.read',
  'POST /api/client/servers/:server/settings/transfer-ownership': 'owner',
  'GET /api/invites/:token': 'public',
  // DESIGN §20: roles of the signed-in account, assigned per server with user.update.
  'GET /api/client/roles': 'auth',
  'POST /api/client/roles': 'auth',
  'GET /api/client/roles/:role': 'auth',
  'POST /api/client/roles/:role': 'auth',
  'DELETE /api/client/roles/:role': 'auth',
  'POST /api/client/roles/:role/invite': 'auth',
  'PUT /api/client/servers/:server/users/:user/role': 'user.update',
  'PUT /api/client/servers/:server/users/:user/file-scope': 'user.update',
  'POST /api/invites/:token/accept': 'public',
};

function casesFor(def: RouteDef<unknown, unknown>, key: Permission | null): Case[] {
  const both = (role: Role, expect: Expect, apiKey: Expect = expect): Case[] =>
    [{ role, mode: 'session', expect }, { role, mode: 'apiKey', expect: apiKey }];
  // Wings' remote API is guarded by a node token no matrix caller holds: reachable (not 401) is all that is judged.
  if (def.need === 'public') return [{ role: 'anonymous', mode: 'session', expect: FIXTURES[idOf(def)] && !def.path.startsWith('/api/remote/') ? 'ok' : 'reachable' }];
  // Anonymous through an API key means a well-formed but unknown key; session-only routes refuse any key first (403).
  const anonymous: Case[] = [
    { role: 'anonymous', mode: 'session', expect: 401 },
    { role: 'anonymous', mode: 'apiKey', expect: def.need === 'session' ? 403 : 401 },
  ];
  if (!hasServer(def)) {
    if (def.need !== 'auth' && def.need !== 'session') throw new Error(`${idOf(def)}: need ${def.need} without :server`);
    return [...anonymous, ...both('user', 'ok', def.need === 'session' ? 403 : 'ok')];
  }
  // On a suspended server everyone but root admins gets 409 (admins still need what the route needs).
  const adminOk = def.need !== 'subuser' && def.need !== 'owner';
  const outsiders = [
    ...both('stranger', 404), ...both('otherSubuser', 404),
    ...both('ownerSuspended', 409), ...both('adminSuspended', adminOk ? 'ok' : 403),
  ];
  // A key derived from the request (`needFor`, e.g. power's signal) is judged like a declared one; the fixture's
  // variant states which key that is.
  if (def.need === 'access' && !def.needFor) return [...anonymous, ...outsiders, ...both('member', 'ok'), ...both('owner', 'ok'), ...both('admin', 'ok')];
  if (def.need === 'subuser') return [...anonymous, ...outsiders, ...both('member', 'ok'), ...both('owner', 403), ...both('admin', 403)];
  if (def.need === 'owner') return [...anonymous, ...outsiders, ...both('allBut', 403), ...both('owner', 'ok'), ...both('admin', 403)];
  if (!key) throw new Error(`${idOf(def)}: need ${def.need} is not understood by the matrix`);
  // websocket.connect is granted to every subuser, so nobody can lack it.
  const allBut = key === ALWAYS_GRANTED ? [] : both('allBut', 403);
  return [...anonymous, ...outsiders, ...both('exact', 'ok'), ...allBut, ...both('owner', 'ok'), ...both('admin', 'ok')];
}

let panel: TestPanel;
let cheapHash: string;
beforeAll(async () => {
  // The sample game server prints its Done line at once: the console and power fixtures start it for real per case.
  process.env.SAMPLE_BOOT_MS = '0';
  // The migration fixtures' source is a loopback HTTP server. APP_URL names a domain: passkeys are off at an IP
  // address (DESIGN §22), and their routes need them on.
  panel = await startTestPanel({
    env: { MIGRATION_ALLOW_PRIVATE_HOSTS: 'true', APP_URL: 'http://localhost:8080' }, categories: HOST_CATEGORIES, routes,
  });
  // Same password, cheap argon2id parameters: sign-ins stay real but fast.
  cheapHash = await argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
});
afterAll(async () => { await panel?.close(); });

const user = (overrides: Partial<UserRow> = {}) => makeUser(panel.app.db, { password: cheapHash, ...overrides });

async function scene(): Promise<Scene> {
  const owner = await user();
  const server = await makeServer(panel.app.db, owner);
  return { app: panel.app, server, owner, password: TEST_PASSWORD, user };
}

async function prepare(def: RouteDef<unknown, unknown>, s: Scene, fixture: Fixture | undefined): Promise<Prepared> {
  if (fixture) return fixture(s);
  return { body: def.example?.body ?? (def.body ? {} : undefined), query: def.example?.query };
}

function keyOf(def: RouteDef<unknown, unknown>, prepared: Prepared): Permission | null {
  if (def.needFor) {
    const body = def.body ? def.body.parse(prepared.body ?? {}) : prepared.body;
    const query = def.query ? def.query.parse(prepared.query ?? {}) : prepared.query;
    const derived = def.needFor({ body, query });
    if (derived !== prepared.key) throw new Error(`${idOf(def)}: the request needs ${derived}, the fixture says ${prepared.key ?? 'nothing'}`);
    return derived;
  }
  return isPermission(def.need) ? def.need : null;
}

async function suspend(s: Scene): Promise<void> {
  await panel.app.pool.query('UPDATE servers SET suspended = 1 WHERE id = ?', [s.server.id]);
}

/** The caller for a role, created fresh (a subuser row on the scene's server, another server, or none). */
async function callerFor(role: Role, s: Scene, key: Permission | null, alsoHolds: readonly Permission[] = []): Promise<UserRow | null> {
  switch (role) {
    case 'anonymous': return null;
    case 'owner': return s.owner;
    case 'admin': return user({ rootAdmin: true });
    case 'ownerSuspended': await suspend(s); return s.owner;
    case 'adminSuspended': await suspend(s); return user({ rootAdmin: true });
    case 'user': case 'stranger': return user();
    case 'otherSubuser': {
      const other = await makeServer(panel.app.db, await user());
      const u = await user();
      await makeSubuser(panel.app.db, other, u, [...PERMISSION_KEYS]);
      return u;
    }
    case 'member': case 'exact': case 'allBut': {
      const u = await user();
      const keys = role === 'member' ? [] : role === 'exact' ? [key as Permission, ...alsoHolds] : PERMISSION_KEYS.filter((k) => k !== key);
      await makeSubuser(panel.app.db, s.server, u, keys);
      return u;
    }
  }
}

async function clientFor(caller: UserRow | null, mode: Mode): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  if (!caller) {
    if (mode === 'apiKey') return client.withApiKey(`ptlc_${'A'.repeat(16)}${'b'.repeat(32)}`);
    await client.get('/api/health');
    return client;
  }
  if (mode === 'apiKey') return client.withApiKey(await makeApiKey(panel.app.db, caller));
  const login = await client.login(caller.email, TEST_PASSWORD);
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${login.text}`);
  if (login.body.data.complete === false) {
    // A caller with 2FA on: finish the checkpoint with a current code, as the SPA would.
    const secret = openTotpSecret(panel.app.secrets.appKey, caller.totpSecret);
    if (!secret) throw new Error('caller has 2FA on but no readable secret');
    const done = await client.post('/auth/login/checkpoint', {
      confirmation_token: login.body.data.confirmation_token, authentication_code: await generate({ secret }),
    });
    if (done.status !== 200) throw new Error(`checkpoint failed: ${done.status} ${done.text}`);
  }
  await client.get('/api/client'); // the regenerated session's XSRF cookie
  return client;
}

function url(def: RouteDef<unknown, unknown>, s: Scene, prepared: Prepared): string {
  const path = def.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => {
    if (name === 'server') return s.server.uuid;
    const value = prepared.params?.[name];
    if (value === undefined) throw new Error(`${idOf(def)}: no fixture value for :${name} (add one to test/matrix/fixtures.ts)`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(prepared.query ?? {}).toString();
  return query ? `${path}?${query}` : path;
}

function check(res: HttpResult, expected: Expect, label: string): void {
  const ok = expected === 'ok' ? res.status >= 200 && res.status < 300
    : expected === 'reachable' ? res.status !== 401 && !(res.status === 404 && /route does not exist/.test(res.text))
      : res.status === expected;
  expect(ok, `${label}: expected ${expected}, got ${res.status} ${res.text.slice(0, 300)}`).toBe(true);
}

describe('the manifest', () => {
  it('declares every route DESIGN §5 requires, with the need it states', () => {
    const declared = Object.fromEntries(routes.map((def) => [idOf(def), def.need as string]));
    const wrong = Object.entries(REQUIRED).filter(([id, need]) => declared[id] !== need);
    expect(wrong.map(([id, need]) => `${id} should need ${need}, declares ${declared[id] ?? 'nothing'}`)).toEqual([]);
  });

  it('gives the matrix a way to exercise every route', () => {
    const missing = routes.filter((def) => {
      if (def.needFor) return !VARIANTS[idOf(def)];
      if (FIXTURES[idOf(def)] || VARIANTS[idOf(def)]) return false;
      const params = [...def.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]).filter((p) => p !== 'server');
      const bodyOk = !def.body || def.body.safeParse(def.example?.body ?? {}).success;
      const queryOk = !def.query || def.query.safeParse(def.example?.query ?? {}).success;
      return params.length > 0 || !bodyOk || !queryOk;
    }).map(idOf);
    expect(missing, 'add these to test/matrix/fixtures.ts (or give them an `example`)').toEqual([]);
  });

  it('has a fixture only for routes that exist', () => {
    const ids = new Set(routes.map(idOf));
    expect(Object.keys(FIXTURES).filter((k) => !ids.has(k))).toEqual([]);
    expect(Object.keys(VARIANTS).filter((k) => !ids.has(k) || FIXTURES[k])).toEqual([]);
  });
});

for (const def of routes) {
  // The expected statuses depend only on `need`; for `needFor` routes the key itself comes from the variant's body
  // and is derived (and checked against the variant's `key`) inside each case.
  const placeholder: Permission | null = isPermission(def.need) ? def.need : def.needFor ? 'control.console' : null;
  const variants: [string, Fixture | undefined][] = Object.entries(VARIANTS[idOf(def)] ?? { '': FIXTURES[idOf(def)] });
  describe(idOf(def), () => {
    for (const [variant, fixture] of variants) {
      for (const c of casesFor(def, placeholder)) {
        it(`${variant ? `${variant} ` : ''}as ${c.role} via ${c.mode} → ${c.expect}`, async () => {
          const s = await scene();
          try {
            const p = await prepare(def, s, fixture);
            const key = keyOf(def, p);
            if (c.role === 'allBut' && key === ALWAYS_GRANTED) throw new Error(`${idOf(def)}: nobody can lack ${key}`);
            const caller = c.role === 'user' && p.caller ? p.caller : await callerFor(c.role, s, key, p.alsoHolds);
            const client = await clientFor(caller, c.mode);
            const res = await client.request(def.method, url(def, s, p), p.body);
            const label = `${idOf(def)} ${variant} as ${c.role} via ${c.mode}`;
            check(res, c.expect, label);
            if (p.applied) expect(p.applied(), `${label}: took effect`).toBe(c.expect === 'ok');
          } finally {
            await killToOffline(panel.app, s.server); // a fixture or the route itself may have started it
          }
        });
      }
    }
  });
}
