import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeTokenKey, mintSocketToken } from '@bridge/token';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { connectAs, SocketProbe } from './socket-probe';

let panel: TestPanel;
let owner: UserRow;
let member: UserRow;
let server: ServerRow;
let client: HttpClient;
let socketUrl: string;
const probes: SocketProbe[] = [];
const track = (p: SocketProbe) => { probes.push(p); return p; };

beforeAll(async () => {
  panel = await startTestPanel({ env: { WS_EVENT_WINDOW_MS: '5000', WS_AUTH_TIMEOUT_MS: '1000', CONSOLE_THROTTLE_LINES: '100', CONSOLE_THROTTLE_WINDOW_MS: '2000' } });
  owner = await makeUser(panel.app.db);
  member = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  await makeSubuser(panel.app.db, server, member, []);
  client = new HttpClient(panel.url);
  await client.login(owner.email, TEST_PASSWORD);
  socketUrl = (await client.get(`/api/client/servers/${server.uuid}/websocket`)).body.data.socket;
});
afterAll(async () => {
  for (const p of probes) p.close();
  await panel?.close();
});

const key = () => bridgeTokenKey(panel.app.secrets.appKey);
async function tryToken(token: string): Promise<SocketProbe> {
  const p = track(SocketProbe.open(socketUrl));
  p.emit('auth', token);
  await p.until(() => p.seen.find((s) => s.event === 'jwt error' || s.event === 'auth success'), 'an auth answer');
  return p;
}

describe('tokens', () => {
  it('hands out a socket URL whose path is the bridge namespace', () => {
    expect(new URL(socketUrl).pathname).toBe('/bridge');
  });

  it('refuses a token minted for another purpose, an expired one, and a forged one', async () => {
    const base = { serverUuid: server.uuid, userUuid: owner.uuid, permissions: ['*'], now: new Date() };
    const scoped = await tryToken((await mintSocketToken(key(), { ...base, scope: 'download' })).token);
    expect(scoped.of('jwt error')).toEqual(['The token was not issued for this websocket.']);
    const expired = await tryToken((await mintSocketToken(key(), { ...base, now: new Date(Date.now() - 3_600_000) })).token);
    expect(expired.of('jwt error')).toEqual(['The token has expired.']);
    const forged = await tryToken((await mintSocketToken(bridgeTokenKey('x'.repeat(40)), base)).token);
    expect(forged.of('jwt error')).toEqual(['The token could not be verified.']);
    for (const p of [scoped, expired, forged]) expect(p.of('auth success')).toEqual([]);
  });

  it('refuses a token for another server on an authenticated socket, which keeps its own server', async () => {
    const other = await makeServer(panel.app.db, owner);
    const p = track(await connectAs(client, server.uuid));
    const token = (await client.get(`/api/client/servers/${other.uuid}/websocket`)).body.data.token;
    const from = p.seen.length;
    p.emit('auth', token);
    expect(await p.next('jwt error', from)).toMatch(/another server/);
    p.emit('send stats');
    expect(await p.next('stats', from)).toMatchObject({ state: 'offline' });
  });

  it('refuses and closes a validly signed token for a server the user has no access to', async () => {
    const strangers = await makeServer(panel.app.db, await makeUser(panel.app.db));
    const { token } = await mintSocketToken(key(), { serverUuid: strangers.uuid, userUuid: member.uuid, permissions: ['*'], now: new Date() });
    const p = await tryToken(token);
    expect(p.of('jwt error')).toEqual(['You do not have access to this server.']);
    await p.until(() => p.disconnected, 'disconnect');
  });

  it('answers events before auth with a jwt error and closes unauthenticated sockets after the auth timeout', async () => {
    const p = track(SocketProbe.open(socketUrl));
    p.emit('send command', 'say sneaky');
    expect(await p.next('jwt error', 0)).toMatch(/Authenticate/);
    await p.until(() => p.disconnected, 'the auth timeout');
  });

  it('warns when the token is about to expire, stops the session when it has, and accepts a renewal', async () => {
    const now = new Date();
    const { token } = await mintSocketToken(key(), { serverUuid: server.uuid, userUuid: owner.uuid, permissions: ['*'], now, expiresAt: new Date(now.getTime() + 3_500) });
    const p = await tryToken(token);
    await p.until(() => p.of('token expired').length === 1, 'token expired');
    const order = p.seen.map((s) => s.event).filter((e) => e.startsWith('token') || e === 'auth success');
    expect(order).toEqual(['auth success', 'token expiring', 'token expired']);
    const from = p.seen.length;
    p.emit('send stats');
    expect(await p.next('jwt error', from)).toMatch(/Authenticate/);
    p.emit('auth', (await client.get(`/api/client/servers/${server.uuid}/websocket`)).body.data.token);
    await p.next('auth success', from);
    p.emit('send stats');
    await p.next('stats', from);
  });
});

describe('limits', () => {
  it('refuses the 31st socket of a server', async () => {
    const limited = await makeServer(panel.app.db, owner);
    const open = await Promise.all(Array.from({ length: 30 }, () => connectAs(client, limited.uuid)));
    open.forEach(track);
    const token = (await client.get(`/api/client/servers/${limited.uuid}/websocket`)).body.data.token;
    const extra = track(SocketProbe.open(socketUrl));
    extra.emit('auth', token);
    await extra.until(() => extra.disconnected, 'the 31st socket closed');
    expect(extra.of('daemon error')).toEqual(['Too many connections to this server.']);
    expect(extra.of('auth success')).toEqual([]);
    open[0]!.close();
    const again = track(await connectAs(client, limited.uuid));
    expect(again.of('auth success')).toHaveLength(1);
  });

  it('throttles an event flood: the excess is dropped with a throttled reply', async () => {
    const p = track(await connectAs(client, server.uuid));
    const from = p.seen.length;
    for (let i = 0; i < 30; i++) p.emit('send stats');
    const answered = () => p.seen.slice(from).filter((s) => s.event === 'stats' || s.event === 'throttled');
    await p.until(() => answered().length === 30, '30 answers');
    const stats = answered().filter((s) => s.event === 'stats').length;
    expect(stats).toBeGreaterThan(0);
    expect(stats).toBeLessThanOrEqual(10);
    expect(p.of('throttled')[0]).toEqual({ event: 'send stats' });
  });

  it('closes a socket that sends an oversized frame', async () => {
    const p = track(await connectAs(client, server.uuid));
    p.emit('send command', `say ${'x'.repeat(40 * 1024)}`);
    await p.until(() => p.disconnected, 'disconnect');
  });

  it('throttles console output per server with one notice, then lets output through again', async () => {
    const noisy = await makeServer(panel.app.db, owner, { startupCommand: 'node flood.mjs' });
    const dir = path.join(panel.dataDir, 'servers', noisy.uuid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'flood.mjs'), [
      "process.stdout.write(Array.from({ length: 5000 }, (_, i) => 'line ' + i).join('\\n') + '\\n');",
      "process.stdin.on('data', (d) => { if (String(d).includes('ping')) console.log('pong'); });",
    ].join('\n'));
    const p = track(await connectAs(client, noisy.uuid));
    await client.post(`/api/client/servers/${noisy.uuid}/power`, { signal: 'start' });
    await p.until(() => p.of('daemon message').some((m) => /too quickly/.test(String(m))), 'the throttle notice');
    await p.until(() => {
      p.emit('send command', 'ping');
      return p.lines().includes('pong');
    }, 'output after the window');
    const lines = p.lines();
    const flood = lines.filter((l) => l.startsWith('line '));
    expect(flood).toEqual(Array.from({ length: 100 }, (_, i) => `line ${i}`));
    expect(p.of('daemon message').filter((m) => /too quickly/.test(String(m)))).toHaveLength(1);
    await client.post(`/api/client/servers/${noisy.uuid}/power`, { signal: 'kill' });
  });
});
