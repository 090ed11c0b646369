import { mkdirSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BRIDGE_NAMESPACE } from '@contracts/socket';
import { HttpClient } from '../factories/http';
import { startTestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { LineChild } from './child';
import { percentile, row, type BenchRow } from './report';

const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const SOCKETS = Number(process.env.BENCH_SOAK_SOCKETS ?? 500);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 200);
/** A game server printing 200 lines a second and echoing `say`, forever. */
const TICKER = [
  "import readline from 'node:readline';",
  "process.stdout.write('Done (0.0s)! ready\\n');",
  'let n = 0;',
  "setInterval(() => { let out = ''; for (let i = 0; i < 10; i++) out += 'tick ' + (n++) + '\\n'; process.stdout.write(out); }, 50);",
  "readline.createInterface({ input: process.stdin }).on('line', (l) => process.stdout.write('said ' + l + '\\n'));",
].join('\n');

/** Seconds between forced full collections (the retained-heap samples); the first at the end of the warm-up. */
const GC_EVERY_S = Number(process.env.BENCH_SOAK_GC_EVERY ?? 10);
const WARM_UP_S = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
v8.setFlagsFromString('--expose-gc');
/** A full, synchronous collection in this process, the panel's (the flag above makes `gc` available to a new context). */
const fullGc = runInNewContext('gc') as () => void;

/** Least-squares slope of (t seconds, bytes) in MiB per minute. */
function slope(samples: ReadonlyArray<readonly [number, number]>): number {
  const n = samples.length;
  const mt = samples.reduce((s, [t]) => s + t, 0) / n;
  const mv = samples.reduce((s, [, v]) => s + v, 0) / n;
  const num = samples.reduce((s, [t, v]) => s + (t - mt) * (v - mv), 0);
  const den = samples.reduce((s, [t]) => s + (t - mt) ** 2, 0);
  return den ? (num / den) * 60 / 2 ** 20 : NaN;
}

interface Traffic {
  sent: number; errors: number; mismatched: number; statuses: Record<string, number>; maxInflight: number;
  latencies: { p50: number; p95: number; p99: number }; examples: string[];
  /** [start (ms since the epoch), duration (ms)] of every request. */
  timeline: Array<[number, number]>;
}

/**
 * Soak (issue 23): SOCKETS sockets receiving a server's console while RATE requests a second of mixed API traffic
 * (reads, writes, refusals of every kind) run for SECONDS. Every response is checked against the status its caller's
 * permissions call for. The panel runs in this process. Memory: raw RSS and heap each second (their slopes are
 * reported, not judged: they also grow with garbage not yet collected and with any backlog of requests), and every
 * GC_EVERY_S seconds the heap retained after a forced full collection, whose slope is the leak verdict (growth of
 * at most 2 MiB/min; a falling figure, warm-up garbage let go, is no leak). The
 * event-loop monitor is off during each forced collection, so its pause is not counted in the loop's p99.
 */
export async function benchSoak(): Promise<BenchRow[]> {
  const panel = await startTestPanel({ env: { WS_MAX_SOCKETS_PER_SERVER: String(SOCKETS + 10), CONSOLE_THROTTLE_LINES: '1000000', RUNNER_ENABLED: 'false' } });
  let clients: LineChild | null = null;
  try {
    const db = panel.app.db;
    const [owner, member, reader, stranger] = [await makeUser(db), await makeUser(db), await makeUser(db), await makeUser(db)];
    const server = await makeServer(db, owner, { startupCommand: 'node ticker.mjs' });
    await makeSubuser(db, server, member, ['control.console']);
    await makeSubuser(db, server, reader, ['file.read', 'activity.read']);
    const root = path.join(panel.dataDir, 'servers', server.uuid);
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'ticker.mjs'), TICKER);
    const key = async (u: typeof owner) => ({ authorization: `Bearer ${await makeApiKey(db, u)}` });
    const [ownerKey, memberKey, readerKey, strangerKey] = [await key(owner), await key(member), await key(reader), await key(stranger)];
    const session = new HttpClient(panel.url);
    await session.login(member.email, TEST_PASSWORD);
    const token = (await session.get(`/api/client/servers/${server.uuid}/websocket`)).body.data.token as string;
    await new HttpClient(panel.url).withApiKey(ownerKey.authorization.slice(7)).post(`/api/client/servers/${server.uuid}/power`, { signal: 'start' });
    for (let i = 0; i < 100 && panel.app.daemon.status(server) !== 'running'; i++) await sleep(100);

    const s = `/api/client/servers/${server.identifier}`;
    const cases = [
      { name: 'view (member)', method: 'GET', path: s, headers: memberKey, expect: 200 },
      { name: 'command (member)', method: 'POST', path: `${s}/command`, headers: memberKey, body: { command: 'say soak' }, expect: 204 },
      { name: 'files (member, no file.read)', method: 'GET', path: `${s}/files/list?directory=/`, headers: memberKey, expect: 403 },
      { name: 'files (reader)', method: 'GET', path: `${s}/files/list?directory=/`, headers: readerKey, expect: 200 },
      { name: 'command (reader, no console)', method: 'POST', path: `${s}/command`, headers: readerKey, body: { command: 'say no' }, expect: 403 },
      { name: 'activity (reader)', method: 'GET', path: `${s}/activity`, headers: readerKey, expect: 200 },
      { name: 'users (owner)', method: 'GET', path: `${s}/users`, headers: ownerKey, expect: 200 },
      { name: 'view (stranger)', method: 'GET', path: s, headers: strangerKey, expect: 404 },
      { name: 'servers (anonymous)', method: 'GET', path: '/api/client', headers: {}, expect: 401 },
      { name: 'resources (owner)', method: 'GET', path: `${s}/resources`, headers: ownerKey, expect: 200 },
    ];

    clients = new LineChild(path.join(import.meta.dirname, 'fanout-clients.mjs'), { url: panel.url, namespace: BRIDGE_NAMESPACE, token, count: SOCKETS }, 'clients');
    if ((await clients.reply()) !== 'ready') throw new Error('clients not ready');
    await sleep(2_000);
    await clients.ask('reset');
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const rss: Array<[number, number]> = [];
    const heap: Array<[number, number]> = [];
    const retained: Array<[number, number]> = [];
    /** Forced collections as [start, end] in ms since the epoch. */
    const gcPauses: Array<[number, number]> = [];
    const t0 = Date.now();
    let nextGc = WARM_UP_S;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      const t = (Date.now() - t0) / 1000;
      rss.push([t, m.rss]);
      heap.push([t, m.heapUsed]);
      if (t >= nextGc && t < SECONDS) {
        nextGc += GC_EVERY_S;
        loop.disable();
        const g0 = Date.now();
        fullGc();
        gcPauses.push([g0, Date.now()]);
        const after = process.memoryUsage();
        loop.enable();
        retained.push([t, after.heapUsed + after.external]);
      }
    }, 1_000);
    const traffic = await new Promise<Traffic>((resolve, reject) => {
      const options = { base: panel.url, rate: RATE, seconds: SECONDS, cases };
      execFile(process.execPath, [path.join(import.meta.dirname, 'soak-traffic.mjs'), JSON.stringify(options)], { maxBuffer: 32 << 20 }, (err, stdout) => {
        if (err) reject(err); else resolve(JSON.parse(stdout) as Traffic);
      });
    });
    clearInterval(sampler);
    loop.disable();
    if (process.env.BENCH_DEBUG) process.stderr.write(`soak: ${JSON.stringify({ ...traffic, timeline: traffic.timeline.length })}\n`);
    const report = JSON.parse(await clients.ask('report')) as { lines: number; ms: number };
    const steady = (xs: Array<[number, number]>) => xs.filter(([t]) => t >= WARM_UP_S);
    const perSocket = report.lines / SOCKETS / (report.ms / 1000);
    const note = `${SOCKETS} sockets, ${RATE} req/s for ${SECONDS} s`;
    const mib = (b = 0) => (b / 2 ** 20).toFixed(0);
    const retainedSlope = retained.length >= 3 ? slope(retained) : NaN;
    // A request in flight during a forced collection waited for the bench's own measurement: set aside, and counted.
    const undisturbed = traffic.timeline.filter(([start, ms]) => !gcPauses.some(([a, b]) => start <= b && start + ms >= a)).map(([, ms]) => ms);
    const disturbed = traffic.timeline.length - undisturbed.length;
    const [p50, p95, p99] = [50, 95, 99].map((q) => percentile(undisturbed, q)) as [number, number, number];
    const aside = `${disturbed} requests in flight during a forced GC set aside (all requests: p99 ${traffic.latencies.p99.toFixed(0)} ms)`;
    const pauses = gcPauses.map(([a, b]) => b - a);
    return [
      row('soak', 'requests sent', traffic.sent, '', '', null, note),
      row('soak', 'errors (network or 5xx)', traffic.errors, '', '0', traffic.errors === 0, traffic.examples.join('; ').slice(0, 120)),
      row('soak', 'mismatched permission decisions', traffic.mismatched, '', '0', traffic.mismatched === 0),
      row('soak', 'API latency p50', p50, 'ms', '', null, aside),
      row('soak', 'API latency p95', p95, 'ms', '', null),
      row('soak', 'API latency p99', p99, 'ms', '', null, `most requests awaiting an answer at once: ${traffic.maxInflight}`),
      row('soak', 'console lines per socket', perSocket, 'lines/s', '', null, 'the server prints 200 lines/s'),
      row('soak', 'RSS slope (raw)', slope(steady(rss)), 'MiB/min', '', null, `from ${mib(rss[0]?.[1])} to ${mib(rss.at(-1)?.[1])} MiB`),
      row('soak', 'heap slope (raw)', slope(steady(heap)), 'MiB/min', '', null, `from ${mib(heap[0]?.[1])} to ${mib(heap.at(-1)?.[1])} MiB, uncollected garbage included`),
      row('soak', 'retained heap slope (after full GC)', retainedSlope, 'MiB/min', '≤ +2 MiB/min', retainedSlope <= 2,
        `${retained.length} samples every ${GC_EVERY_S} s: ${retained.map(([, v]) => mib(v)).join(', ')} MiB (heap + external)`),
      row('soak', 'event loop p99', loop.percentile(99) / 1e6, 'ms', '', null,
        `monitor off during the ${pauses.length} forced GCs (${pauses.join(', ')} ms)`),
    ];
  } finally {
    await clients?.close();
    await panel.close();
  }
}
