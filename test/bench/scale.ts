import { randomUUID } from 'node:crypto';
import mysql from 'mysql2/promise';
import { performance } from 'node:perf_hooks';
import { manifest } from '@server/routes';
import { route, type AnyRoute, type RouteDef } from '@server/http/manifest';
import type { ServerAccess } from '@server/http/types';
import { hashPassword } from '@server/auth/passwords';
import { resolveServerAccess } from '@server/services/server-access';
import { HttpClient } from '../factories/http';
import { startTestPanel } from '../factories/panel';
import { makeApiKey, TEST_PASSWORD } from '../factories/records';
import { load } from './load';
import { median, percentile, row, type BenchRow } from './report';

const SERVERS = Number(process.env.BENCH_SCALE_SERVERS ?? 10_000);
const USERS = Number(process.env.BENCH_SCALE_USERS ?? 50_000);
const SUBUSERS = Number(process.env.BENCH_SCALE_SUBUSERS ?? 200_000);
const HEAVY_SERVERS = 500;
const BATCH = 5_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RUNS = 3;

/** Multi-row INSERTs of `count` rows made by `make(i)`, BATCH rows a statement. */
async function bulk(pool: mysql.Pool, table: string, columns: string[], count: number, make: (i: number) => unknown[]): Promise<void> {
  for (let from = 0; from < count; from += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, count - from) }, (_, k) => make(from + k));
    await pool.query(`INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ?`, [rows]);
  }
}

/** The same handler as `GET /api/client/servers/{server}`, mounted with no authentication or access check. */
function bareRoute(def: RouteDef<unknown, unknown>, access: () => ServerAccess): AnyRoute {
  return route({
    method: 'GET', path: '/api/bench/scale-bare/:server', need: 'public',
    handler: ({ app, req, res, body, query, params }) => def.handler({ app, req, res, body, query, params, actor: null as never, access: access() }),
  });
}

/**
 * Records what the panel's pool sends while `run` runs: mysql2's query and execute, wrapped for this window only (the
 * statements with their parameters, so they can be EXPLAINed as sent, and their count per request).
 */
async function recordStatements(pool: mysql.Pool, run: () => Promise<unknown>): Promise<Array<{ sql: string; params: unknown[] }>> {
  const seen: Array<{ sql: string; params: unknown[] }> = [];
  type Methods = Record<'query' | 'execute', (...args: unknown[]) => unknown>;
  // The promise pool and the callback pool under it (the principal lookup uses the latter directly).
  const targets = [pool as unknown as Methods, (pool as unknown as { pool: Methods }).pool];
  const originals = targets.map((t) => ({ query: t.query, execute: t.execute }));
  targets.forEach((t, i) => {
    for (const m of ['query', 'execute'] as const) {
      const original = originals[i]![m];
      t[m] = function (this: unknown, ...args: unknown[]) {
        // The promise pool calls down into the callback pool: count each statement once, at the top.
        if (i === 0 || !inPromisePool) {
          const first = args[0] as string | { sql: string };
          seen.push({ sql: typeof first === 'string' ? first : first.sql, params: Array.isArray(args[1]) ? args[1] : [] });
        }
        if (i !== 0) return original.apply(this, args);
        inPromisePool = true;
        try { return original.apply(this, args); } finally { inPromisePool = false; }
      };
    }
  });
  let inPromisePool = false;
  try { await run(); } finally { targets.forEach((t, i) => Object.assign(t, originals[i])); }
  return seen;
}

/** The plan of every distinct SELECT the hot requests sent, with the parameters they were sent with. */
async function explainHot(pool: mysql.Pool, conn: mysql.Connection, requests: Array<() => Promise<unknown>>): Promise<BenchRow[]> {
  const sent = await recordStatements(pool, async () => { for (const r of requests) await r(); });
  const distinct = new Map<string, unknown[]>();
  for (const s of sent) if (/^\s*select\b/i.test(s.sql) && !distinct.has(s.sql)) distinct.set(s.sql, s.params);
  const rows: BenchRow[] = [];
  for (const [sql, params] of distinct) {
    const [plan] = await conn.query(`EXPLAIN ${sql}`, params) as unknown as [Array<{ table: string | null; type: string | null; key: string | null; rows: number | null; Extra?: string }>];
    const worst = Math.max(0, ...plan.map((p) => Number(p.rows ?? 0)));
    const scans = plan.filter((p) => (p.type === 'ALL' || p.type === 'index') && Number(p.rows) > 1000);
    const from = /\bfrom\s+`(\w+)`/i.exec(sql)?.[1] ?? '?';
    process.stdout.write(`\nEXPLAIN ${sql.replace(/`\w+`\.`\w+`, /g, '').slice(0, 300)}\n${plan.map((p) => `  ${p.table}: type=${p.type} key=${p.key ?? '-'} rows=${p.rows} ${p.Extra ?? ''}`).join('\n')}\n`);
    rows.push(row('scale: EXPLAIN', `from ${from}: ${sql.replace(/^select .*? from /i, '').slice(0, 50)}`, worst, 'rows', 'no scan > 1,000 rows', scans.length === 0,
      plan.map((p) => `${p.table}:${p.type}/${p.key ?? '-'}`).join(' ').slice(0, 120)));
  }
  return rows;
}

/**
 * Scale (issue 23): 10,000 servers, 50,000 users and 200,000 subuser rows. The guarded read must stay one round trip
 * at the same ratio to its bare handler as on an empty database; `GET /api/client` for a user on 500 servers is
 * timed; every statement of the hot requests is EXPLAINed from what the server actually received.
 */
export async function benchScale(): Promise<BenchRow[]> {
  const def = manifest.find((r) => r.method === 'GET' && r.path === '/api/client/servers/:server') as RouteDef<unknown, unknown>;
  let access: ServerAccess | null = null;
  const panel = await startTestPanel({ routes: [...manifest, bareRoute(def, () => access as ServerAccess)], env: { RUNNER_ENABLED: 'false' } });
  const probe = await mysql.createConnection({ uri: panel.database.url });
  try {
    const pool = panel.app.pool;
    const hash = await hashPassword(TEST_PASSWORD);
    const now = new Date();
    const t0 = performance.now();
    const [[{ base }]] = await pool.query('SELECT COALESCE(MAX(id), 0) AS base FROM users') as unknown as [[{ base: number }]];
    await bulk(pool, 'users', ['uuid', 'email', 'username', 'password', 'status', 'created_at', 'updated_at'], USERS + 1,
      (i) => [randomUUID(), `scale-${i}@example.com`, `scale_${i}`, hash, 'active', now, now]);
    const userId = (i: number) => Number(base) + 1 + i; // the heavy user is the last one
    const [[{ sbase }]] = await pool.query('SELECT COALESCE(MAX(id), 0) AS sbase FROM servers') as unknown as [[{ sbase: number }]];
    await bulk(pool, 'servers', ['uuid', 'identifier', 'name', 'owner_id', 'startup_command', 'created_at', 'updated_at'], SERVERS, (i) => {
      const uuid = randomUUID();
      return [uuid, uuid.slice(0, 8), `Scale ${i}`, userId(i % USERS), 'node sample-game-server.mjs', now, now];
    });
    const serverId = (i: number) => Number(sbase) + 1 + i;
    const perServer = Math.ceil(SUBUSERS / SERVERS);
    const perms = JSON.stringify(['websocket.connect', 'control.console', 'file.read']);
    await bulk(pool, 'subusers', ['server_id', 'user_id', 'permissions', 'status', 'created_at', 'updated_at'], SUBUSERS, (i) => {
      const s = i % SERVERS;
      const k = Math.floor(i / SERVERS) % perServer;
      return [serverId(s), userId((s * 37 + 1 + k * 2503) % USERS), perms, 'active', now, now];
    });
    const heavy = USERS; // index of the user on 500 servers
    await bulk(pool, 'subusers', ['server_id', 'user_id', 'permissions', 'status', 'created_at', 'updated_at'], HEAVY_SERVERS,
      (i) => [serverId(i * Math.floor(SERVERS / HEAVY_SERVERS)), userId(heavy), perms, 'active', now, now]);
    await pool.query('ANALYZE TABLE users, servers, subusers');
    const seedSeconds = (performance.now() - t0) / 1000;

    const [[member]] = await pool.query('SELECT u.* FROM users u JOIN subusers su ON su.user_id = u.id WHERE su.server_id = ? AND u.id <> ? LIMIT 1', [serverId(SERVERS - 1), userId(heavy)]) as unknown as [[{ id: number; email: string; uuid: string }]];
    const [[target]] = await pool.query('SELECT uuid FROM servers WHERE id = ?', [serverId(SERVERS - 1)]) as unknown as [[{ uuid: string }]];
    const { findUserByEmail } = await import('@db/repositories/users');
    const memberRow = await findUserByEmail(panel.app.db, member.email);
    const heavyRow = await findUserByEmail(panel.app.db, `scale-${heavy}@example.com`);
    if (!memberRow || !heavyRow) throw new Error('seeded users not found');
    access = await resolveServerAccess(panel.app.db, memberRow, target.uuid);
    const memberKey = await makeApiKey(panel.app.db, memberRow);
    const heavyKey = await makeApiKey(panel.app.db, heavyRow);

    const variants = {
      bare: { url: `${panel.url}/api/bench/scale-bare/${target.uuid}`, headers: {} },
      guarded: { url: `${panel.url}/api/client/servers/${target.uuid}`, headers: { authorization: `Bearer ${memberKey}` } },
    };
    for (const v of Object.values(variants)) await load({ ...v, connections: 10, duration: 1 });
    const rps: Record<string, number[]> = { bare: [], guarded: [] };
    for (let i = 0; i < RUNS; i++) for (const [n, v] of Object.entries(variants)) rps[n]?.push((await load({ ...v, connections: 10, duration: SECONDS })).rps);
    // Statements the pool sent per request, counted in the panel's process (the database server may be shared).
    const trips: Record<string, number> = {};
    for (const [n, v] of Object.entries(variants)) {
      trips[n] = (await recordStatements(pool, () => load({ ...v, connections: 5, amount: 300 }))).length / 300;
    }

    const heavyClient = new HttpClient(panel.url).withApiKey(heavyKey);
    const times: number[] = [];
    let listed = 0;
    for (let i = 0; i < 5; i++) await heavyClient.get('/api/client');
    for (let i = 0; i < 100; i++) {
      const s = performance.now();
      const res = await heavyClient.get('/api/client');
      times.push(performance.now() - s);
      listed = (res.body?.data as unknown[] | undefined)?.length ?? 0;
    }

    const memberClient = new HttpClient(panel.url).withApiKey(memberKey);
    const plans = await explainHot(pool, probe, [
      () => memberClient.get(`/api/client/servers/${target.uuid}`),
      () => heavyClient.get('/api/client'),
      () => memberClient.get(`/api/client/servers/${target.uuid}/websocket`),
      () => new HttpClient(panel.url).withApiKey(heavyKey).get(`/api/client/servers/${target.uuid}`),
    ]);

    const ratio = median(rps.guarded ?? []) / median(rps.bare ?? []);
    return [
      row('scale', 'seeded', SUBUSERS + HEAVY_SERVERS, 'subusers', '', null, `${SERVERS} servers, ${USERS} users in ${seedSeconds.toFixed(0)} s`),
      row('scale', 'guarded vs bare (API key)', ratio, '×', '', null, `${median(rps.guarded ?? []).toFixed(0)} vs ${median(rps.bare ?? []).toFixed(0)} req/s, median of ${RUNS}×${SECONDS} s`),
      row('scale', 'guarded: DB round trips/request', trips.guarded ?? NaN, '', '≤ 1', (trips.guarded ?? 2) <= 1.0001),
      row('scale', `GET /api/client, user on ${HEAVY_SERVERS} servers: p99`, percentile(times, 99), 'ms', '', null, `p50 ${percentile(times, 50).toFixed(1)} ms; ${listed} servers on the first page`),
      ...plans,
    ];
  } finally {
    await probe.end();
    await panel.close();
  }
}
