import path from 'node:path';
import mysql from 'mysql2/promise';
import { manifest } from '@server/routes';
import { route, type AnyRoute, type RouteDef } from '@server/http/manifest';
import type { ServerAccess } from '@server/http/types';
import { resolveServerAccess } from '@server/services/server-access';
import { HttpClient } from '../factories/http';
import { startTestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { LineChild } from './child';
import { load } from './load';
import { median, row, type BenchRow } from './report';

const PATH = '/api/client/servers/:server';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TARGET_GUARDED = 0.8;
const TARGET_HEALTH = 0.9;

/** Statements the database server has executed so far (every client; the bench database server is private). */
async function questions(conn: mysql.Connection): Promise<number> {
  const [rows] = await conn.query("SHOW GLOBAL STATUS LIKE 'Questions'") as unknown as [Array<{ Value: string }>];
  return Number(rows[0]?.Value ?? 0);
}

/**
 * The handler of `GET /api/client/servers/{server}` mounted bare beside the manifest, in the same Express app (helmet,
 * cookies, session middleware, JSON, the manifest router), as a public route: no authentication, no access check,
 * the server access resolved once up front.
 */
function bareRoute(def: RouteDef<unknown, unknown>, access: () => ServerAccess): AnyRoute {
  return route({
    method: 'GET', path: '/api/bench/bare/:server', need: 'public',
    handler: ({ app, req, res, body, query, params }) => def.handler({ app, req, res, body, query, params, actor: null as never, access: access() }),
  });
}

/**
 * A permission-guarded `GET /api/client/servers/{server}` through a real session and through an API key, and
 * `/api/health`, against two baselines in the same run: a bare Express 5 + mysql2 app with one one-query route in a
 * process of its own (the outside baseline the targets are held to), and the same handler mounted bare in Cohost's
 * own app (what the path before the handler costs). Autocannon in a child process, warm-up, rounds interleaved, medians.
 */
export async function benchGuarded(): Promise<BenchRow[]> {
  const def = manifest.find((r) => r.method === 'GET' && r.path === PATH) as RouteDef<unknown, unknown>;
  let access: ServerAccess | null = null;
  // The job runner off: its statements would count in MariaDB's round-trip counter beside the requests'.
  const panel = await startTestPanel({ routes: [...manifest, bareRoute(def, () => access as ServerAccess)], env: { RUNNER_ENABLED: 'false' } });
  const probe = await mysql.createConnection({ uri: panel.database.url });
  const outside = new LineChild(path.join(import.meta.dirname, 'bare-express.mjs'), { url: panel.database.url }, 'bare express');
  try {
    const ready = await outside.reply();
    const outsidePort = Number(/^ready (\d+)$/.exec(ready)?.[1]);
    if (!outsidePort) throw new Error(`bare express: ${ready}`);
    const db = panel.app.db;
    const owner = await makeUser(db);
    const member = await makeUser(db);
    const server = await makeServer(db, owner);
    await makeSubuser(db, server, member, ['control.console', 'file.read']);
    const session = new HttpClient(panel.url);
    await session.login(member.email, TEST_PASSWORD);
    const cookie = ['cohost_session', 'XSRF-TOKEN'].map((n) => `${n}=${session.cookie(n)}`).join('; ');
    const token = await makeApiKey(db, member);
    access = await resolveServerAccess(db, member, server.uuid);

    const guardedUrl = `${panel.url}/api/client/servers/${server.uuid}`;
    const variants: Record<string, { url: string; headers: Record<string, string> }> = {
      'express + mysql2': { url: `http://127.0.0.1:${outsidePort}/servers/${server.uuid}`, headers: {} },
      'in-app bare': { url: `${panel.url}/api/bench/bare/${server.uuid}`, headers: {} },
      session: { url: guardedUrl, headers: { cookie } },
      'api key': { url: guardedUrl, headers: { authorization: `Bearer ${token}` } },
      health: { url: `${panel.url}/api/health`, headers: {} },
    };
    // BENCH_ONLY="api key" (comma-separated names) loads only those variants, e.g. under `node --cpu-prof`.
    const only = process.env.BENCH_ONLY?.split(',').map((n) => n.trim());
    if (only) for (const name of Object.keys(variants)) if (!only.includes(name)) delete variants[name];
    // Each run also reads the serving process's own CPU time per request (user + system): far steadier than req/s
    // on a shared machine, and what a change to the request path moves first.
    const cpuUs = async (name: string, since: NodeJS.CpuUsage): Promise<number> => {
      if (name === 'express + mysql2') return Number(await outside.ask('cpu'));
      const d = process.cpuUsage(since);
      return d.user + d.system;
    };
    const run = async (name: string, v: { url: string; headers: Record<string, string> }) => {
      if (name === 'express + mysql2') await outside.ask('cpu');
      const since = process.cpuUsage();
      const result = await load({ ...v, connections: CONNECTIONS, duration: SECONDS });
      return { rps: result.rps, cpu: (await cpuUs(name, since)) / result.total };
    };

    for (const [name, v] of Object.entries(variants)) await run(name, v); // warm-up
    const results: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let i = 0; i < RUNS; i++) {
      for (const [name, v] of Object.entries(variants)) {
        const r = await run(name, v);
        results[name]?.push(r.rps);
        cpu[name]?.push(r.cpu);
      }
    }

    // Round trips: statements executed per request, counted by the database server itself.
    const roundTrips: Record<string, number> = {};
    for (const [name, v] of Object.entries(variants)) {
      const n = 500;
      const before = await questions(probe);
      await load({ ...v, connections: 5, amount: n });
      roundTrips[name] = ((await questions(probe)) - before - 1) / n;
    }

    const rps = (name: string) => median(results[name] ?? []);
    const cpuNote = (name: string) => `; ${median(cpu[name] ?? []).toFixed(0)} µs CPU/request`;
    const range = (name: string) => `${Math.min(...(results[name] ?? [])).toFixed(0)}–${Math.max(...(results[name] ?? [])).toFixed(0)}`;
    const base = rps('express + mysql2');
    const rows: BenchRow[] = [
      row('guarded request', 'express + mysql2', base, 'req/s', '', null, `own process, one SELECT; ${CONNECTIONS} connections, median of ${RUNS}×${SECONDS} s (${range('express + mysql2')})${cpuNote('express + mysql2')}`),
      row('guarded request', 'express + mysql2: DB round trips/request', roundTrips['express + mysql2'] ?? NaN, ''),
    ];
    const ratio = (name: string, target: number, note = '') => {
      const r = rps(name) / base;
      rows.push(row('guarded request', `${name} vs express + mysql2`, r, '×', `≥ ${target}×`, r >= target, `${rps(name).toFixed(0)} req/s (${range(name)})${cpuNote(name)}${note}`));
    };
    ratio('session', TARGET_GUARDED);
    ratio('api key', TARGET_GUARDED);
    ratio('health', TARGET_HEALTH);
    const inApp = rps('in-app bare') / base;
    rows.push(row('guarded request', 'in-app bare vs express + mysql2', inApp, '×', '', null, `${rps('in-app bare').toFixed(0)} req/s${cpuNote('in-app bare')}: the GET handler in Cohost's app, no auth, no query`));
    for (const name of ['session', 'api key', 'health'] as const) {
      // The whole request's statements: the guard's one statement carries what the handler needs (the allocations
      // relationship, GET /servers/{server} declares withAllocations), so the request as a whole must be one round
      // trip. The in-app bare route has no guard, so its handler reads the allocations itself (its count is shown).
      const trips = roundTrips[name] ?? NaN;
      // An API key's last_used_at is written at most once a minute: under a slow run that touch shows as ~0.002.
      rows.push(row('guarded request', `${name}: DB round trips/request`, trips, '', '≤ 1', trips <= 1.01,
        name === 'health' ? undefined : `guard and handler together; the in-app bare handler alone makes ${(roundTrips['in-app bare'] ?? NaN).toFixed(2)}`));
    }
    return rows;
  } finally {
    await outside.close().catch(() => undefined);
    await probe.end();
    await panel.close();
  }
}
