import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOUND_EVENTS } from '@contracts/socket';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import type { RouteDef } from '@server/http/manifest';
import { manifest } from '@server/routes';
import { HttpClient, type HttpResult } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { connectAs, type SocketProbe } from '../bridge/socket-probe';

/**
 * Input fuzzing (issue 23): generated bodies, queries and path parameters for every manifest route, sent by the
 * server's owner (so the guard lets them through to validation), get a 4xx in the Pterodactyl envelope or a
 * success — never a 5xx — and a refused request changes nothing: neither a table (sessions and failed-sign-in
 * activity aside) nor a file of the server. Generated socket payloads for every inbound event are refused with an
 * explicit reply, never the generic "unexpected error", and leave the server as it was.
 */
const RUNS = Number(process.env.COHOST_FUZZ_RUNS ?? 12);
/** Routes whose success would end the caller's own session or account for the rest of the run. */
const SKIP = new Set(['POST /auth/logout', 'POST /api/client/servers/:server/settings/transfer-ownership']);

let panel: TestPanel;
let owner: UserRow;
let server: ServerRow;
let client: HttpClient;
let tables: string[];

beforeAll(async () => {
  panel = await startTestPanel({ env: { RUNNER_ENABLED: 'false', SERVER_THROTTLES: '' } });
  owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  client = new HttpClient(panel.url);
  expect((await client.login(owner.email, TEST_PASSWORD)).status).toBe(200);
  await client.get('/api/health');
  const [rows] = await panel.app.pool.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
  tables = (rows as Array<{ t: string }>).map((r) => r.t).filter((t) => !['sessions', 'activity_logs', '__drizzle_migrations'].includes(t));
});
afterAll(async () => { await panel?.close(); });

/** Everything a refused request must leave alone. */
async function snapshot(): Promise<string> {
  const [sums] = await panel.app.pool.query(`CHECKSUM TABLE ${tables.map((t) => `\`${t}\``).join(', ')}`);
  const [activity] = await panel.app.pool.query("SELECT COUNT(*) AS n FROM activity_logs WHERE event NOT IN ('auth:fail', 'auth:checkpoint.fail')");
  return JSON.stringify([sums, activity, tree(serverRoot(panel.dataDir, server.uuid))]);
}

/**
 * Until nothing changes for a moment: a request that succeeded may have started work that goes on after its answer
 * (a backup, an install), which must not be mistaken for a later refusal's doing.
 */
async function settle(): Promise<void> {
  let last = await snapshot();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await snapshot();
    if (now === last) return;
    last = now;
  }
}

function tree(dir: string): string[] {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    const st = statSync(full, { throwIfNoEntry: false });
    const line = `${full}:${st?.size ?? 0}:${st?.mtimeMs ?? 0}:${st?.mode ?? 0}`;
    return e.isDirectory() ? [line, ...tree(full)] : [line];
  });
}

const json = fc.jsonValue({ maxDepth: 3 });
const segment = fc.oneof(
  fc.nat().map(String), fc.uuid(), fc.string({ maxLength: 40 }), fc.constantFrom('..', '%2e%2e', '0', '-1', 'null', 'ptlc_x', "' OR 1=1 --"),
);

/** The route's example with fields dropped, retyped or added; or any JSON at all. */
function bodyFor(def: RouteDef<unknown, unknown>): fc.Arbitrary<unknown> {
  const example = def.example?.body;
  if (!example || typeof example !== 'object' || Array.isArray(example)) return json;
  const keys = Object.keys(example);
  const mutated = fc.record({
    drop: fc.subarray(keys), retype: fc.dictionary(fc.constantFrom(...keys), json, { maxKeys: keys.length }),
    extra: fc.dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 3 }),
  }).map(({ drop, retype, extra }) => {
    const out: Record<string, unknown> = { ...extra, ...(example as Record<string, unknown>), ...retype };
    for (const k of drop) delete out[k];
    return out;
  });
  return fc.oneof(mutated, json);
}

function urlFor(def: RouteDef<unknown, unknown>, params: string[], query: Record<string, string>): string {
  let i = 0;
  const p = def.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'server' ? server.identifier : encodeURIComponent(params[i++] ?? 'x')));
  const q = new URLSearchParams(query).toString();
  return q ? `${p}?${q}` : p;
}

/** 501 is a deliberate refusal: a feature this panel does not offer (no database host, passkeys off at an IP). */
const REFUSALS = new Set([501]);

function expectEnvelope(res: HttpResult, what: string): void {
  if (!REFUSALS.has(res.status)) expect(res.status, `${what} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
  if (res.status < 400) return;
  const first = (res.body as { errors?: Array<Record<string, unknown>> } | undefined)?.errors?.[0];
  expect(first, `${what}: no error envelope in ${res.text.slice(0, 200)}`).toBeDefined();
  expect(first?.status).toBe(String(res.status));
  expect(typeof first?.code).toBe('string');
  expect(typeof first?.detail).toBe('string');
}

const routes = (manifest as readonly RouteDef<unknown, unknown>[]).filter((d) => !SKIP.has(`${d.method} ${d.path}`));

describe('generated input to every route', () => {
  it.each(routes.map((d) => [`${d.method} ${d.path}`, d] as const))('%s answers 4xx or success, and a refusal changes nothing', async (_id, def) => {
    const paramCount = (def.path.match(/:(\w+)/g) ?? []).filter((p) => p !== ':server').length;
    await settle();
    await fc.assert(fc.asyncProperty(
      fc.array(segment, { minLength: paramCount, maxLength: paramCount }),
      fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 3 }),
      bodyFor(def),
      async (params, query, body) => {
        const url = urlFor(def, params, query);
        const before = await snapshot();
        const res = def.method === 'GET' || def.method === 'DELETE'
          ? await client.request(def.method, url)
          : await client.request(def.method, url, def.rawBody ? JSON.stringify(body) : body, def.rawBody ? { raw: true } : {});
        expectEnvelope(res, `${def.method} ${url} ${JSON.stringify(body).slice(0, 200)}`);
        if (res.status >= 400 && res.status !== 401) expect(await snapshot(), `${def.method} ${url} was refused but changed state`).toBe(before);
        if (res.status < 300) await settle();
        if (res.status === 401) expect((await client.login(owner.email, TEST_PASSWORD)).status).toBeLessThan(500);
      },
    ), { numRuns: RUNS });
  });
});

describe('generated socket payloads', () => {
  let probe: SocketProbe;
  beforeAll(async () => { probe = await connectAs(client, server.uuid); });
  afterAll(() => probe?.close());

  it('every inbound event refuses what it cannot parse, explicitly, and the server stays as it was', async () => {
    const events = fc.oneof(fc.constantFrom(...INBOUND_EVENTS.filter((e) => e !== 'auth')), fc.string({ minLength: 1, maxLength: 20 }));
    await fc.assert(fc.asyncProperty(events, fc.array(json, { maxLength: 3 }), async (event, args) => {
      const valid = event === 'set state' && typeof args[0] === 'string' && ['start', 'stop', 'restart', 'kill'].includes(args[0]);
      fc.pre(!valid && !(event === 'send command' && typeof args[0] === 'string'));
      await new Promise((r) => setTimeout(r, 60)); // two events an iteration stay under the 10 per 200 ms socket limit
      const from = probe.seen.length;
      probe.emit(event, ...args);
      probe.emit('send stats');
      await probe.next('stats', from).catch(() => undefined);
      const replies = probe.seen.slice(from).filter((s) => s.event === 'daemon error' || s.event === 'jwt error');
      for (const r of replies) expect(String(r.payload)).not.toMatch(/unexpected error/);
      expect(probe.disconnected).toBe(false);
      expect(panel.app.daemon.status({ uuid: server.uuid, startupCommand: server.startupCommand })).toBe('offline');
    }), { numRuns: RUNS * 4 });
  });
});
