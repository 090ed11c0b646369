import mysql from 'mysql2/promise';
import { manifest } from '@server/routes';
import { route, type AnyRoute, type RouteDef } from '@server/http/manifest';
import type { ServerAccess } from '@server/http/types';
import { resolveServerAccess } from '@server/services/server-access';
import { HttpClient } from '../factories/http';
import { startTestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { load } from './load';
import { median, row, type BenchRow } from './report';

const PATH = '/api/client/servers/:server';
const RUNS = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 10;

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
 * A permission-guarded `GET /api/client/servers/{server}` through a real session and through an API key, against the
 * same handler mounted bare in the same process. Autocannon in a child process, warm-up, median of 5.
 */
export async function benchGuarded(): Promise<BenchRow[]> {
  const def = manifest.find((r) => r.method === 'GET' && r.path === PATH) as RouteDef<unknown, unknown>;
  let access: ServerAccess | null = null;
  const panel = await startTestPanel({ routes: [...manifest, bareRoute(def, () => access as ServerAccess)] });
  const probe = await mysql.createConnection({ uri: panel.database.url });
  try {
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
      bare: { url: `${panel.url}/api/bench/bare/${server.uuid}`, headers: {} },
      session: { url: guardedUrl, headers: { cookie } },
      'api key': { url: guardedUrl, headers: { authorization: `Bearer ${token}` } },
    };
    const run = (v: { url: string; headers: Record<string, string> }) => load({ ...v, connections: CONNECTIONS, duration: SECONDS });

    for (const v of Object.values(variants)) await run(v); // warm-up
    const results: Record<string, number[]> = { bare: [], session: [], 'api key': [] };
    for (let i = 0; i < RUNS; i++) {
      for (const [name, v] of Object.entries(variants)) results[name]?.push((await run(v)).rps);
    }

    // Round trips: statements executed per request, counted by the database server itself.
    const roundTrips: Record<string, number> = {};
    for (const [name, v] of Object.entries(variants)) {
      const n = 500;
      const before = await questions(probe);
      await load({ ...v, connections: 5, amount: n });
      roundTrips[name] = ((await questions(probe)) - before - 1) / n;
    }

    const bareRps = median(results.bare ?? []);
    const rows: BenchRow[] = [
      row('guarded request', 'bare handler', bareRps, 'req/s', '', null, `same app, no auth; ${CONNECTIONS} connections, median of ${RUNS}×${SECONDS} s`),
      row('guarded request', 'bare: DB round trips/request', roundTrips.bare ?? NaN, ''),
    ];
    for (const name of ['session', 'api key'] as const) {
      const ratio = median(results[name] ?? []) / bareRps;
      rows.push(row('guarded request', `${name} vs bare`, ratio, '×', '≥ 0.5×', ratio >= 0.5, `${median(results[name] ?? []).toFixed(0)} req/s`));
      // The guard's own statements: the handler's (bare) ones, e.g. the allocations relationship, are not its cost.
      const trips = (roundTrips[name] ?? NaN) - (roundTrips.bare ?? NaN);
      rows.push(row('guarded request', `${name}: guard DB round trips/request`, trips, '', '≤ 1', trips <= 1.0001));
    }
    return rows;
  } finally {
    await probe.end();
    await panel.close();
  }
}
