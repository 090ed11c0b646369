import { insertProxyRoute } from '@db/repositories/network-proxy';
import { freePort, giveAllocation, startWithSpec } from '../factories/network';
import { startTestPanel } from '../factories/panel';
import { makeServer, makeUser } from '../factories/records';
import { killToOffline } from '../matrix/processes';
import { load } from './load';
import { median, row, type BenchRow } from './report';

const RUNS = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = 10;

/**
 * Proxied HTTP throughput (DESIGN §17): the bundled sample game server, run by the LocalDaemon on its primary
 * allocation, loaded directly on its port and through Cohost's reverse proxy by Host, alternating in one run
 * (autocannon in a child process, warm-up, median of 5). The route cache is at its default.
 */
export async function benchNetwork(): Promise<BenchRow[]> {
  process.env.SAMPLE_BOOT_MS = '0';
  const panel = await startTestPanel();
  try {
    const db = panel.app.db;
    const owner = await makeUser(db);
    const server = await makeServer(db, owner);
    const primary = await giveAllocation(db, server, '127.0.0.1', await freePort(), true);
    const now = new Date();
    const domain = 'bench.proxy.test';
    await insertProxyRoute(db, { serverId: server.id, allocationId: primary.id, domain, createdAt: now, updatedAt: now });
    await startWithSpec(panel.app, server);
    try {
      const rows: BenchRow[] = [];
      // A status query (a tiny JSON body: the proxy's per-request cost laid bare) and a web-map tile (32 KiB).
      for (const [label, pathname] of [['status JSON', '/status'], ['32 KiB tile', '/tile']] as const) {
        const variants = {
          direct: { url: `http://127.0.0.1:${primary.port}${pathname}`, headers: {} },
          proxied: { url: `http://127.0.0.1:${panel.proxyPort as number}${pathname}`, headers: { host: domain } },
        };
        const run = (v: { url: string; headers: Record<string, string> }) => load({ ...v, connections: CONNECTIONS, duration: SECONDS });
        for (const v of Object.values(variants)) await run(v); // warm-up
        const rps: Record<'direct' | 'proxied', number[]> = { direct: [], proxied: [] };
        for (let i = 0; i < RUNS; i++) {
          rps.direct.push((await run(variants.direct)).rps);
          rps.proxied.push((await run(variants.proxied)).rps);
        }
        const direct = median(rps.direct);
        const proxied = median(rps.proxied);
        const ratio = proxied / direct;
        rows.push(
          row('proxy route', `${label}: direct to the game port`, direct, 'req/s', '', null, `sample game server; ${CONNECTIONS} connections, median of ${RUNS}×${SECONDS} s`),
          row('proxy route', `${label}: proxied vs direct`, ratio, '×', '≥ 0.7×', ratio >= 0.7, `${proxied.toFixed(0)} req/s through PROXY_PORT by Host`),
        );
      }
      return rows;
    } finally {
      await killToOffline(panel.app, server);
    }
  } finally {
    await panel.close();
  }
}
