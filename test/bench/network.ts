import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
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
 * A native reference proxy in the same run, when the machine has HAProxy: one thread, keep-alive both ways,
 * `option forwardfor`, routing by Host to the game port — what a C proxy costs on this machine's cores, so the
 * figure says how much of the gap to direct is any proxy's extra hop and how much is Cohost's.
 */
async function startHaproxy(domain: string, gamePort: number): Promise<{ port: number; stop: () => void } | null> {
  if (spawnSync('haproxy', ['-v']).status !== 0) return null;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-haproxy-'));
  const port = await freePort();
  const cfg = path.join(dir, 'haproxy.cfg');
  writeFileSync(cfg, [
    'global', '  nbthread 1', 'defaults', '  mode http', '  timeout connect 5s', '  timeout client 60s', '  timeout server 60s',
    '  option http-keep-alive', '  option forwardfor',
    'frontend proxy', `  bind 127.0.0.1:${port}`, `  use_backend game if { hdr(host) -i ${domain} }`,
    'backend game', '  http-reuse always', `  server game 127.0.0.1:${gamePort}`, '',
  ].join('\n'));
  const child: ChildProcess = spawn('haproxy', ['-f', cfg], { stdio: 'ignore' });
  const stop = () => { child.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); };
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      http.get({ host: '127.0.0.1', port, path: '/status', headers: { host: domain } }, (res) => { res.resume(); resolve(res.statusCode === 200); })
        .on('error', () => resolve(false));
    });
    if (ok) return { port, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  return null;
}

/**
 * Proxied HTTP throughput (DESIGN §17): the bundled sample game server, run by the LocalDaemon on its primary
 * allocation, loaded directly on its port and through Cohost's reverse proxy by Host, alternating in one run
 * (autocannon in a child process, warm-up, median of 5), and through HAProxy when installed. The route cache is at
 * its default.
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
    const haproxy = await startHaproxy(domain, primary.port);
    try {
      const rows: BenchRow[] = [];
      // A status query (a tiny JSON body: the proxy's per-request cost laid bare) and a web-map tile (32 KiB).
      for (const [label, pathname] of [['status JSON', '/status'], ['32 KiB tile', '/tile']] as const) {
        const variants: Partial<Record<'direct' | 'proxied' | 'haproxy', { url: string; headers: Record<string, string> }>> = {
          direct: { url: `http://127.0.0.1:${primary.port}${pathname}`, headers: {} },
          proxied: { url: `http://127.0.0.1:${panel.proxyPort as number}${pathname}`, headers: { host: domain } },
          ...(haproxy ? { haproxy: { url: `http://127.0.0.1:${haproxy.port}${pathname}`, headers: { host: domain } } } : {}),
        };
        const run = (v: { url: string; headers: Record<string, string> }) => load({ ...v, connections: CONNECTIONS, duration: SECONDS });
        for (const v of Object.values(variants)) await run(v); // warm-up
        const rps: Record<'direct' | 'proxied' | 'haproxy', number[]> = { direct: [], proxied: [], haproxy: [] };
        for (let i = 0; i < RUNS; i++) {
          for (const [name, v] of Object.entries(variants)) rps[name as keyof typeof rps].push((await run(v)).rps);
        }
        const direct = median(rps.direct);
        const proxied = median(rps.proxied);
        const ratio = proxied / direct;
        rows.push(
          row('proxy route', `${label}: direct to the game port`, direct, 'req/s', '', null, `sample game server; ${CONNECTIONS} connections, median of ${RUNS}×${SECONDS} s`),
          row('proxy route', `${label}: proxied vs direct`, ratio, '×', '≥ 0.7×', ratio >= 0.7, `${proxied.toFixed(0)} req/s through PROXY_PORT by Host`),
        );
        if (haproxy) {
          const native = median(rps.haproxy);
          rows.push(
            row('proxy route', `${label}: HAProxy (reference) vs direct`, native / direct, '×', '', null, `${native.toFixed(0)} req/s; one thread, keep-alive, forwardfor`),
            row('proxy route', `${label}: Cohost proxy vs HAProxy`, proxied / native, '×', '', null, 'the same hop, Node against C'),
          );
        }
      }
      return rows;
    } finally {
      haproxy?.stop();
      await killToOffline(panel.app, server);
    }
  } finally {
    await panel.close();
  }
}
