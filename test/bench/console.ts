import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server as IoServer } from 'socket.io';
import { BRIDGE_NAMESPACE } from '@contracts/socket';
import { HttpClient } from '../factories/http';
import { startTestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { LineChild } from './child';
import { median, row, type BenchRow } from './report';

const RATE = 20_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const COUNTS = (process.env.BENCH_FANOUT ?? '100,1000').split(',').map(Number);
/** The gateway's console frame interval (DEFAULT_LIMITS.consoleBatchMs): the plain broadcast gathers lines alike. */
const BATCH_MS = 50;
const MEMORY_CYCLES = 3;
/** The gateway's defaults (30 sockets per server, 2,000 lines per 100 ms) would refuse the bench: raised for this run. */
const ENV = { WS_MAX_SOCKETS_PER_SERVER: '2000', CONSOLE_THROTTLE_LINES: '1000000' };
/**
 * A game server printing RATE numbered lines per second: a fixed batch every 5 ms tick, never catching up. Its stdout
 * is a pipe (synchronous writes), so when the panel falls behind the generator slows down instead of bursting.
 */
const STEADY = [
  "import readline from 'node:readline';",
  "process.stdout.write('Done (0.0s)! ready\\n');",
  'let on = false; let n = 0;',
  "readline.createInterface({ input: process.stdin }).on('line', (l) => { if (l === 'go') on = true; if (l === 'pause') on = false; });",
  // Paced by the wall clock: a blocking pipe write leaves Node's cached loop time stale, and a setInterval would then
  // fire back to back. Behind schedule, ticks are dropped (never a burst to catch up).
  'let next = Date.now();',
  'const tick = () => {',
  '  if (on) {',
  "    let out = '';",
  `    for (let i = 0; i < ${RATE / 200}; i++) out += 'line ' + (n++) + '\\n';`,
  '    process.stdout.write(out);',
  '  }',
  '  next += 5;',
  '  const now = Date.now();',
  '  if (next < now) next = now + 5;',
  '  setTimeout(tick, next - now);',
  '};',
  'tick();',
].join('\n');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const debug = (msg: string) => { if (process.env.BENCH_DEBUG) process.stderr.write(`console: ${msg}\n`); };
v8.setFlagsFromString('--expose-gc');
/** A full collection before reading RSS (the flag above makes `gc` available to a new context). */
const gc = runInNewContext('gc') as () => void;

/**
 * Memory once settled: the median of five readings, each after a full collection (RSS moves by
 * whole pages and with V8 giving heap back lazily; a single reading after one GC swung by ±4 MiB).
 */
async function settledMemory(): Promise<{ rss: number; heap: number }> {
  const rss: number[] = [];
  const heap: number[] = [];
  for (let i = 0; i < 5; i++) {
    gc();
    await sleep(100);
    const m = process.memoryUsage();
    rss.push(m.rss);
    heap.push(m.heapUsed + m.external);
  }
  return { rss: median(rss), heap: median(heap) };
}

interface Phase { deliveries: number; share: number; offered: number; loopP99: number; rssPerSocket: number; heapPerSocket: number; lagMs: number }

/**
 * Console fan-out (issue 8): one server printing 20,000 lines/s to 100 and 1,000 subscribed sockets, the clients in
 * another process; Cohost's gateway against a plain socket.io broadcast of the same lines, in the same process and
 * run: every line the daemon reads, gathered for 50 ms like the gateway's frames, then one `io.emit` to everyone (no
 * authentication, no per-socket permission check). A per-line `io.emit` is no baseline: it falls hopelessly behind.
 */
export async function benchConsole(): Promise<BenchRow[]> {
  const panel = await startTestPanel({ env: ENV });
  const plainHttp = createServer();
  const plain = new IoServer(plainHttp, { serveClient: false });
  let unsubscribe = () => {};
  try {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner, { startupCommand: 'node steady.mjs' });
    const dir = path.join(panel.dataDir, 'servers', server.uuid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'steady.mjs'), STEADY);
    const client = new HttpClient(panel.url);
    await client.login(owner.email, TEST_PASSWORD);
    const token = (await client.get(`/api/client/servers/${server.uuid}/websocket`)).body.data.token as string;
    await client.post(`/api/client/servers/${server.uuid}/power`, { signal: 'start' });
    await new Promise<void>((r) => plainHttp.listen(0, '127.0.0.1', r));
    const plainUrl = `http://127.0.0.1:${(plainHttp.address() as AddressInfo).port}`;

    let offered = 0;
    let lastLine = '';
    let plainOn = false;
    let pending: string[] = [];
    let timer: NodeJS.Timeout | null = null;
    const flush = () => { timer = null; const frame = pending; pending = []; plain.emit('console output', frame); };
    unsubscribe = panel.app.daemon.subscribe(server, (event) => {
      if (event.type !== 'console') return;
      offered += event.lines.length;
      lastLine = event.lines.at(-1) ?? lastLine;
      if (!plainOn) return;
      pending.push(...event.lines);
      timer ??= setTimeout(flush, BATCH_MS);
    });
    const command = (line: string) => client.post(`/api/client/servers/${server.uuid}/command`, { command: line });
    for (let i = 0; i < 50 && panel.app.daemon.status(server) !== 'running'; i++) await sleep(100);

    const script = path.join(import.meta.dirname, 'fanout-clients.mjs');
    const open = (kind: 'cohost' | 'plain', count: number) => (kind === 'cohost'
      ? new LineChild(script, { url: panel.url, namespace: BRIDGE_NAMESPACE, token, count }, 'clients')
      : new LineChild(script, { url: plainUrl, namespace: '/', token: null, count }, 'clients'));
    const phase = async (kind: 'cohost' | 'plain', count: number): Promise<Phase> => {
      // Warm-up: the same sockets once, so the heap has already grown to what connecting them needs in passing.
      const warm = open(kind, count);
      await warm.reply();
      await warm.close();
      await sleep(500);
      // Idle memory: connect and authenticate the sockets, settle, read; three times (the last set stays for the
      // window), and the median. One cycle moved RSS by ±3 MiB of allocator noise, the whole signal at 100 sockets.
      const rss: number[] = [];
      const heap: number[] = [];
      let clients: LineChild | null = null;
      for (let cycle = 0; cycle < MEMORY_CYCLES; cycle++) {
        if (clients) { await clients.close(); await sleep(500); }
        const mem0 = await settledMemory();
        clients = open(kind, count);
        debug(`${kind} ${count}: connecting`);
        if ((await clients.reply()) !== 'ready') throw new Error('clients not ready');
        await sleep(500);
        const mem1 = await settledMemory();
        rss.push((mem1.rss - mem0.rss) / count);
        heap.push((mem1.heap - mem0.heap) / count);
      }
      const rssPerSocket = median(rss);
      const heapPerSocket = median(heap);
      debug(`${kind} ${count}: RSS per socket ${rss.map((x) => (x / 1024).toFixed(1)).join(' ')} KiB`);
      if (!clients) throw new Error('no clients');
      try {
        plainOn = kind === 'plain';
        await command('go');
        debug('go');
        await sleep(1_000); // warm-up
        const loop = monitorEventLoopDelay({ resolution: 10 });
        await clients.ask('reset');
        const offered0 = offered;
        const line0 = lastLine;
        loop.enable();
        await sleep(SECONDS * 1_000);
        const window = offered - offered0;
        const newestOffered = Number(lastLine.slice(5));
        // The clients' own window (reset → report as they handled them): when they lag, the lines they count are older.
        const report = JSON.parse(await clients.ask('report')) as { lines: number; ms: number; from: number; to: number };
        loop.disable();
        const lagMs = ((newestOffered - report.to) / RATE) * 1_000;
        // The lines the generator printed between the newest line the clients had seen at the reset and at the
        // report, once per socket: what they would have counted had every socket received every line.
        const expected = (report.to - report.from) * count;
        debug(`${kind} ${count}: offered ${window} lines in ${SECONDS} s (${line0} → ${lastLine}); clients counted ${report.lines} of ${expected} in ${report.ms.toFixed(0)} ms, lines ${report.from} → ${report.to} (${lagMs.toFixed(0)} ms behind at the end); loop p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`);
        await command('pause');
        plainOn = false;
        return {
          deliveries: report.lines / (report.ms / 1_000), share: report.lines / expected, offered: (window * count) / SECONDS,
          loopP99: loop.percentile(99) / 1e6, rssPerSocket, heapPerSocket, lagMs,
        };
      } finally {
        await clients.close();
        await sleep(500);
      }
    };

    const rows: BenchRow[] = [];
    for (const count of COUNTS) {
      const cohost = await phase('cohost', count);
      const base = await phase('plain', count);
      // Share of the generator's lines every socket received in the clients' window, Cohost ÷ plain: independent of
      // the generator's exact pace and of how far behind the clients were.
      const ratio = cohost.share / base.share;
      const pct = (p: Phase) => `${(100 * p.share).toFixed(1)}% of the lines printed, to every socket (${(p.offered / 1e6).toFixed(2)} M/s offered); clients ${p.lagMs.toFixed(0)} ms behind at the end`;
      rows.push(
        row('console fan-out', `${count} sockets: deliveries`, cohost.deliveries, 'lines/s', '', null, pct(cohost)),
        row('console fan-out', `${count} sockets: plain broadcast`, base.deliveries, 'lines/s', '', null, pct(base)),
        row('console fan-out', `${count} sockets: vs plain`, ratio, '×', '≥ 1×', ratio >= 0.99, 'share of the lines printed that reached every socket, Cohost ÷ plain (±1%: window edges)'),
        row('console fan-out', `${count} sockets: event loop p99`, cohost.loopP99, 'ms', '≤ 100 ms', cohost.loopP99 <= 100, `plain: ${base.loopP99.toFixed(1)} ms`),
        row('console fan-out', `${count} sockets: RSS per idle socket`, cohost.rssPerSocket / 1024, 'KiB', '≤ 32 KiB', cohost.rssPerSocket <= 32 * 1024, `JS heap + buffers ${(cohost.heapPerSocket / 1024).toFixed(1)} KiB; plain: RSS ${(base.rssPerSocket / 1024).toFixed(1)}, heap ${(base.heapPerSocket / 1024).toFixed(1)} KiB`),
      );
    }
    await client.post(`/api/client/servers/${server.uuid}/power`, { signal: 'kill' });
    return rows;
  } finally {
    unsubscribe();
    await plain.close();
    await panel.close();
  }
}
