import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectAs, type SocketProbe } from '../bridge/socket-probe';
import { HttpClient } from '../factories/http';
import { startTestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { median, row, type BenchRow } from './report';

const LINES = 1_000;
const ROUNDS = 10;
const SOCKETS = 30;

const BURST = [
  "import readline from 'node:readline';",
  "console.log('Done (0.0s)! ready');",
  'readline.createInterface({ input: process.stdin }).on(\'line\', (l) => {',
  `  const id = l.split(' ')[1]; let out = ''; for (let i = 0; i < ${LINES}; i++) out += 'b' + id + ' ' + i + '\\n';`,
  '  process.stdout.write(out);',
  '});',
].join('\n');

/** Milliseconds from `send command` to the last line of the burst on every socket. */
async function round(probes: SocketProbe[], id: number): Promise<number> {
  const last = `b${id} ${LINES - 1}`;
  const start = performance.now();
  probes[0]!.emit('send command', `burst ${id}`);
  await Promise.all(probes.map((p) => p.until(() => p.lines().at(-1) === last || p.lines().includes(last), last)));
  return performance.now() - start;
}

/**
 * Console fan-out (DESIGN §11): a burst of 1,000 lines delivered to one socket and to 30 sockets of the same server,
 * side by side in one run. Frames are shared: the 30-socket time should grow far less than 30×.
 */
export async function benchConsole(): Promise<BenchRow[]> {
  const panel = await startTestPanel();
  const probes: SocketProbe[] = [];
  try {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner, { startupCommand: 'node burst.mjs' });
    const dir = path.join(panel.dataDir, 'servers', server.uuid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'burst.mjs'), BURST);
    const client = new HttpClient(panel.url);
    await client.login(owner.email, TEST_PASSWORD);
    await client.get('/api/health');
    probes.push(await connectAs(client, server.uuid));
    await client.post(`/api/client/servers/${server.uuid}/power`, { signal: 'start' });
    await probes[0]!.until(() => probes[0]!.of('status').includes('running'), 'running');

    let id = 0;
    const measure = async (count: number) => {
      const active = probes.slice(0, count);
      await round(active, ++id); // warm-up
      const times: number[] = [];
      // A new burst only after the throttle window has surely passed: the bench measures delivery, not throttling.
      for (let i = 0; i < ROUNDS; i++) {
        await new Promise((r) => setTimeout(r, 150));
        times.push(await round(active, ++id));
      }
      return median(times);
    };
    const one = await measure(1);
    while (probes.length < SOCKETS) probes.push(await connectAs(client, server.uuid));
    const many = await measure(SOCKETS);
    await client.post(`/api/client/servers/${server.uuid}/power`, { signal: 'kill' });
    return [
      row('console fan-out', '1 socket', one, 'ms', '', null, `${LINES} lines, median of ${ROUNDS}`),
      row('console fan-out', `${SOCKETS} sockets`, many, 'ms'),
      row('console fan-out', `${SOCKETS} sockets vs 1`, many / one, '×', `< ${SOCKETS}×`, many / one < SOCKETS, 'clients run in the same process'),
    ];
  } finally {
    for (const p of probes) p.close();
    await panel.close();
  }
}
