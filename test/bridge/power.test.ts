import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import type { TestPanel } from '../factories/panel';
import { PANEL_DAEMONS, type PanelDaemon } from '../factories/panel-daemons';
import { makeUser, TEST_PASSWORD } from '../factories/records';
import { connectAs, type SocketProbe } from './socket-probe';

/** One suite over both daemons (issue 18): the sample server on this host, and a server on a fake Wings node. */
describe.each(PANEL_DAEMONS)('$name power and console through the panel', (setup) => {
let daemon: PanelDaemon;
let panel: TestPanel;
let owner: UserRow;
let server: ServerRow;
let client: HttpClient;
let probe: SocketProbe;

beforeAll(async () => {
  daemon = await setup.start();
  panel = daemon.panel;
  owner = await makeUser(panel.app.db);
  server = await daemon.server(owner);
  client = new HttpClient(panel.url);
  await client.login(owner.email, TEST_PASSWORD);
  probe = await connectAs(client, server.identifier);
});
afterAll(async () => {
  probe?.close();
  await daemon?.close();
});

/** The states reported on the socket since `from`. */
const statesSince = (from: number) => probe.seen.slice(from).filter((s) => s.event === 'status').map((s) => s.payload);

async function power(signal: string, until: string[]): Promise<unknown[]> {
  const from = probe.seen.length;
  const res = await client.post(`/api/client/servers/${server.uuid}/power`, { signal });
  expect(res.status).toBe(204);
  await probe.until(() => JSON.stringify(statesSince(from)) === JSON.stringify(until), `states ${until.join(' → ')}`);
  return statesSince(from);
}

describe('power and console', () => {
  it('reports offline on auth, refuses commands while offline with 409', async () => {
    // Sent after `auth success` once the daemon answered (a Wings node answers over the network).
    expect(await probe.next('status', 0)).toBe('offline');
    const res = await client.post(`/api/client/servers/${server.uuid}/command`, { command: 'list' });
    expect(res.status).toBe(409);
  });

  it('start drives offline → starting → running on the sample server\'s Done line', async () => {
    expect(await power('start', ['starting', 'running'])).toEqual(['starting', 'running']);
    expect(probe.lines().some((l) => daemon.game.ready.test(l))).toBe(true);
    const res = await client.get(`/api/client/servers/${server.identifier}/resources`);
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('stats');
    expect(res.body.attributes.current_state).toBe('running');
    expect(res.body.attributes.is_suspended).toBe(false);
    expect(res.body.attributes.resources.memory_bytes).toBeGreaterThan(0);
    expect(Object.keys(res.body.attributes.resources).sort()).toEqual(
      ['cpu_absolute', 'disk_bytes', 'memory_bytes', 'network_rx_bytes', 'network_tx_bytes', 'uptime']);
  });

  it('sends console commands over HTTP and the socket, and serves the ring buffer on send logs', async () => {
    expect((await client.post(`/api/client/servers/${server.uuid}/command`, { command: 'say over http' })).status).toBe(204);
    probe.emit('send command', 'say over socket');
    await probe.until(() => probe.lines().some(daemon.game.said('over socket')), 'the socket command');
    const lines = probe.lines();
    expect(lines.findIndex(daemon.game.said('over http'))).toBeGreaterThanOrEqual(0);
    expect(lines.findIndex(daemon.game.said('over http'))).toBeLessThan(lines.findIndex(daemon.game.said('over socket')));
    const from = probe.seen.length;
    probe.emit('send logs');
    const frame = await probe.next('console output', from) as string[];
    expect(frame.some((l) => daemon.game.ready.test(l))).toBe(true);
    expect(frame.some(daemon.game.said('over socket'))).toBe(true);
    probe.emit('send stats');
    const stats = await probe.next('stats', from) as { state: string; memory_bytes: number };
    expect(stats.state).toBe('running');
  });

  it('restart goes through stopping and offline and back to running', async () => {
    expect(await power('restart', ['stopping', 'offline', 'starting', 'running'])).toEqual(['stopping', 'offline', 'starting', 'running']);
  });

  it('stop writes "stop" to the console; the exit is not reported as a crash', async () => {
    const from = probe.seen.length;
    await power('stop', ['stopping', 'offline']);
    const stopped = daemon.game.stopped;
    if (stopped) expect(probe.lines().some((l) => stopped.test(l))).toBe(true);
    expect(probe.seen.slice(from).some((s) => s.event === 'daemon message' && /unexpectedly/.test(String(s.payload)))).toBe(false);
  });

  it('kill forces the process down from running', async () => {
    await power('start', ['starting', 'running']);
    const from = probe.seen.length;
    await power('kill', ['stopping', 'offline']);
    expect(probe.seen.slice(from).some((s) => s.event === 'daemon message' && /unexpectedly/.test(String(s.payload)))).toBe(false);
  });

  it('records power and console activity', async () => {
    const [rows] = await panel.app.pool.query('SELECT event, properties FROM activity_logs WHERE server_id = ? ORDER BY id', [server.id]);
    const events = (rows as Array<{ event: string }>).map((r) => r.event);
    expect(events).toEqual(expect.arrayContaining(['server:power.start', 'server:power.restart', 'server:power.stop', 'server:power.kill', 'server:console.command']));
    expect(JSON.stringify(rows)).toContain('say over socket');
  });

  it.runIf(setup.can.crash)('reports a crash: status offline plus a daemon message', async () => {
    const crashing = await daemon.server(owner, { startupCommand: 'echo "fatal: world corrupted"; exit 1' });
    const crashProbe = await connectAs(client, crashing.uuid);
    try {
      const from = crashProbe.seen.length;
      expect((await client.post(`/api/client/servers/${crashing.uuid}/power`, { signal: 'start' })).status).toBe(204);
      await crashProbe.until(() => crashProbe.seen.slice(from).some((s) => s.event === 'status' && s.payload === 'offline'), 'offline');
      const messages = crashProbe.of('daemon message').map(String);
      expect(messages.some((m) => /exited unexpectedly \(exit code 1\)/.test(m))).toBe(true);
      await crashProbe.until(() => crashProbe.lines().includes('fatal: world corrupted'), 'the last console line');
    } finally {
      crashProbe.close();
    }
  });

  it('validates the power signal and command', async () => {
    const bad = await client.post(`/api/client/servers/${server.uuid}/power`, { signal: 'explode' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta.source_field).toBe('signal');
    const multi = await client.post(`/api/client/servers/${server.uuid}/command`, { command: 'say a\nstop' });
    expect(multi.status).toBe(422);
  });
});
});
