import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import mysql from 'mysql2/promise';
import { manifest } from '@server/routes';
import type { RouteDef } from '@server/http/manifest';
import { resolveServerAccess } from '@server/services/server-access';
import { HttpClient } from '../factories/http';
import { startTestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { median, row, type BenchRow } from './report';

const PATH = '/api/client/servers/:server';
const RUNS = 5;
const SECONDS = 3;

async function rps(url: string, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, headers, connections: 10, duration: SECONDS });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

/** Statements the database server has executed so far (every client; the bench database server is private). */
async function questions(conn: mysql.Connection): Promise<number> {
  const [rows] = await conn.query("SHOW GLOBAL STATUS LIKE 'Questions'") as unknown as [Array<{ Value: string }>];
  return Number(rows[0]?.Value ?? 0);
}

/**
 * A permission-guarded `GET /api/client/servers/{server}` through a real session and through an API key, against the
 * same handler mounted bare (no authentication, no access check) in the same process. Autocannon, warm-up, median of 5.
 */
export async function benchGuarded(): Promise<BenchRow[]> {
  const panel = await startTestPanel();
  const bare = express();
  const bareHttp = createServer(bare);
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

    const def = manifest.find((r) => r.method === 'GET' && r.path === PATH) as RouteDef<unknown, unknown>;
    const access = await resolveServerAccess(db, member, server.uuid);
    bare.get('/bare/servers/:server', (req, res, next) => {
      def.handler({ app: panel.app, req, res, actor: null as never, access, body: undefined, query: {}, params: req.params as Record<string, string> })
        .then((body) => res.json(body), next);
    });
    await new Promise<void>((r) => bareHttp.listen(0, '127.0.0.1', r));
    const bareUrl = `http://127.0.0.1:${(bareHttp.address() as AddressInfo).port}/bare/servers/${server.uuid}`;
    const guardedUrl = `${panel.url}/api/client/servers/${server.uuid}`;
    const variants = {
      bare: () => rps(bareUrl, {}),
      session: () => rps(guardedUrl, { cookie }),
      'api key': () => rps(guardedUrl, { authorization: `Bearer ${token}` }),
    };

    for (const run of Object.values(variants)) await run(); // warm-up
    const results: Record<string, number[]> = { bare: [], session: [], 'api key': [] };
    for (let i = 0; i < RUNS; i++) {
      for (const [name, run] of Object.entries(variants)) results[name]?.push(await run());
    }

    // Round trips: statements executed per guarded request, counted by the database server itself.
    const roundTrips: Record<string, number> = {};
    for (const [name, headers] of [['session', { cookie }], ['api key', { authorization: `Bearer ${token}` }]] as const) {
      const n = 500;
      const before = await questions(probe);
      await autocannon({ url: guardedUrl, headers, connections: 5, amount: n });
      roundTrips[name] = ((await questions(probe)) - before - 1) / n;
    }

    const bareRps = median(results.bare ?? []);
    const rows: BenchRow[] = [row('guarded request', 'bare handler', bareRps, 'req/s')];
    for (const name of ['session', 'api key'] as const) {
      const ratio = median(results[name] ?? []) / bareRps;
      rows.push(row('guarded request', `${name} vs bare`, ratio, '×', '≥ 0.5×', ratio >= 0.5, `${median(results[name] ?? []).toFixed(0)} req/s`));
      const trips = roundTrips[name] ?? NaN;
      rows.push(row('guarded request', `${name}: DB round trips/request`, trips, '', '≤ 1', trips <= 1.0001));
    }
    return rows;
  } finally {
    await probe.end();
    bareHttp.close();
    await panel.close();
  }
}
