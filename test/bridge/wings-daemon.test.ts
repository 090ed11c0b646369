import http from 'node:http';
import { createServer } from 'node:net';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type DaemonEvent, DaemonUnavailableError } from '@bridge/daemon';
import { WingsHttpError } from '@bridge/wings/node-client';
import { WingsDaemon } from '@bridge/wings/wings-daemon';
import { RoutingDaemon } from '@bridge/routing-daemon';
import { signTransferToken, signWebsocketToken, userServerJti } from '@bridge/wings/wings-jwt';
import { NODE_TOKEN, PANEL_ORIGIN, until, wingsFixture, type WingsFixture } from '../fakes/wings/daemons';

/** What only the Wings adapter does (DESIGN §19): the shared upstream socket, its JWT, re-auth, backoff, errors, revocation. */
let fx: WingsFixture;
beforeAll(async () => { fx = await wingsFixture({ node: { linesPer100ms: 5 }, daemon: { socketTtlSeconds: 61 } }); });
afterAll(async () => { await fx?.close(); });

describe('WingsDaemon upstream socket', () => {
  it('opens one socket per server for all its subscribers, authenticated with the JWT of §19, and closes it with the last', async () => {
    const s = await fx.newServer();
    const stops = [1, 2, 3].map(() => fx.daemon.subscribe(s, () => undefined));
    await until(() => fx.daemon.upstream(s.uuid)?.connected === true, 'the upstream socket authenticated');
    expect([...fx.node.sockets].filter((h) => h.server.uuid === s.uuid)).toHaveLength(1);
    const token = fx.node.authTokens.at(-1) as string;
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ server_uuid: s.uuid, scope: 'websocket' });
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'jti', 'nbf', 'permissions', 'scope', 'server_uuid', 'unique_id', 'user_uuid']);
    expect(claims.permissions).toContain('*');
    for (const stop of stops) stop();
    await until(() => ![...fx.node.sockets].some((h) => h.server.uuid === s.uuid), 'the upstream socket closed');
  });

  it('authenticates again before its token expires, keeping the same socket', async () => {
    const s = await fx.newServer();
    const stop = fx.daemon.subscribe(s, () => undefined);
    await until(() => (fx.daemon.upstream(s.uuid)?.authentications ?? 0) >= 2, 'a second authentication (token expiring)');
    expect([...fx.node.sockets].filter((h) => h.server.uuid === s.uuid)).toHaveLength(1);
    stop();
  });

  it('reconnects after the node drops the socket, and events flow again', async () => {
    const s = await fx.newServer();
    const events: DaemonEvent[] = [];
    const stop = fx.daemon.subscribe(s, (e) => events.push(e));
    await until(() => fx.daemon.upstream(s.uuid)?.connected === true, 'connected');
    for (const h of fx.node.sockets) if (h.server.uuid === s.uuid) h.close();
    await until(() => fx.daemon.upstream(s.uuid)?.connected === false, 'noticed the drop');
    await until(() => fx.daemon.upstream(s.uuid)?.connected === true, 'reconnected');
    await fx.daemon.power(s, 'start');
    await until(() => events.some((e) => e.type === 'status' && e.state === 'running'), 'running after the reconnect');
    await fx.daemon.power(s, 'kill');
    stop();
  });

  it('passes on the status Wings sends right after auth when it differs from what listeners were told (the server started meanwhile)', async () => {
    const s = await fx.newServer();
    const events: DaemonEvent[] = [];
    const node = fx.node.servers.get(s.uuid);
    // The node is slow to answer the upstream socket's auth; meanwhile a browser socket attaches (its listener
    // subscribes and it is told the state the node reports over HTTP), then the server starts on the node.
    let answer: () => void = () => undefined;
    fx.node.authGate = new Promise<void>((resolve) => { answer = resolve; });
    const stop = fx.daemon.subscribe(s, (e) => events.push(e));
    try {
      expect(await fx.daemon.status(s)).toBe('offline');
      node?.power('start');
      await until(() => node?.state === 'running', 'running on the node');
    } finally { answer(); fx.node.authGate = null; }
    await until(() => fx.daemon.upstream(s.uuid)?.connected === true, 'connected');
    // No transition reached the socket (it was not subscribed yet): only Wings' snapshot says the server runs.
    await until(() => events.some((e) => e.type === 'status' && e.state === 'running'), 'the snapshot passed on');
    expect(events.filter((e) => e.type === 'status')).toEqual([{ type: 'status', state: 'running' }]);
    expect(await fx.daemon.status(s)).toBe('running');
    await fx.daemon.power(s, 'kill');
    stop();
  });

  it('keeps a snapshot nobody needs: a server still in the state listeners were told emits no status', async () => {
    const s = await fx.newServer();
    const events: DaemonEvent[] = [];
    const stop = fx.daemon.subscribe(s, (e) => events.push(e));
    expect(await fx.daemon.status(s)).toBe('offline');
    await until(() => fx.daemon.upstream(s.uuid)?.connected === true, 'connected');
    await fx.daemon.logs(s, 1); // one more round trip to the node: the snapshot frame has arrived by now
    expect(events.filter((e) => e.type === 'status')).toEqual([]);
    stop();
  });

  it('passes on the node\'s console throttle notice and drops the excess lines', async () => {
    const s = await fx.newServer();
    const events: DaemonEvent[] = [];
    const stop = fx.daemon.subscribe(s, (e) => events.push(e));
    await until(() => fx.daemon.upstream(s.uuid)?.connected === true, 'connected');
    const server = fx.node.servers.get(s.uuid);
    for (let i = 0; i < 20; i++) server?.console(`flood ${i}`);
    await until(() => events.some((e) => e.type === 'daemon message' && /throttling/.test(e.line)), 'the throttle notice');
    expect(events.filter((e) => e.type === 'console').length).toBeLessThanOrEqual(5);
    stop();
  });
});

describe('WingsDaemon errors', () => {
  it('answers a node that refuses connections with a 503 naming the node', async () => {
    const port = await new Promise<number>((resolve) => { const srv = createServer(); srv.listen(0, '127.0.0.1', () => { const p = (srv.address() as { port: number }).port; srv.close(() => resolve(p)); }); });
    const down = new WingsDaemon({ id: 9, name: 'down-node', url: `http://127.0.0.1:${port}`, token: NODE_TOKEN }, { panelUrl: PANEL_ORIGIN, maxUploadBytes: 1 });
    const err = await down.power({ uuid: crypto.randomUUID(), startupCommand: '' }, 'start').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DaemonUnavailableError);
    expect(err).toMatchObject({ status: 503, message: expect.stringContaining('down-node') });
  });

  it('gives up on a node that accepts but never answers, with a 502', async () => {
    const slow = await wingsFixture({ daemon: { timeouts: { connectMs: 1_000, requestMs: 300 } } });
    const s = await slow.newServer();
    slow.node.frozen = true;
    const err = await slow.daemon.stats(s).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, message: expect.stringContaining('did not answer') });
    await slow.close();
  });

  it('reuses keep-alive connections to the node without piling a listener onto them per request', async () => {
    // Each request watches its socket's connect to tell "cannot be reached" (503) from "closed the connection" (502);
    // on a reused socket that event never comes, so a listener left there would grow by one per request.
    const s = await fx.newServer();
    for (let i = 0; i < 30; i++) await fx.daemon.stats(s);
    const host = new URL(fx.node.url).host;
    const sockets = Object.entries(http.globalAgent.freeSockets).filter(([name]) => name.startsWith(host)).flatMap(([, list]) => list ?? []);
    expect(sockets.length).toBeGreaterThan(0);
    for (const socket of sockets) {
      expect(socket.listenerCount('connect')).toBeLessThanOrEqual(1);
      expect(socket.listenerCount('secureConnect')).toBeLessThanOrEqual(1);
    }
  });

  it('keeps Wings\' own refusal: a wrong node token is a 403 from the node', async () => {
    const s = await fx.newServer();
    const wrong = new WingsDaemon({ id: 8, name: 'n', url: fx.node.url, token: 'not-the-token' }, { panelUrl: PANEL_ORIGIN, maxUploadBytes: 1 });
    await expect(wrong.stats(s)).rejects.toSatisfy((e) => e instanceof WingsHttpError && e.status === 403);
  });
});

describe('WingsDaemon revocation', () => {
  async function userSocket(serverUuid: string, userUuid: string): Promise<{ frames: { event: string }[]; ws: WebSocket }> {
    const ws = new WebSocket(`${fx.node.url.replace('http', 'ws')}/api/servers/${serverUuid}/ws`, { origin: PANEL_ORIGIN });
    const frames: { event: string }[] = [];
    ws.on('message', (m) => frames.push(JSON.parse(String(m)) as { event: string }));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ event: 'auth', args: [await signWebsocketToken(NODE_TOKEN, { userUuid, serverUuid, permissions: ['websocket.connect'], now: new Date(Date.now() - 1000) })] }));
    await until(() => frames.some((f) => f.event === 'auth success'), 'the user socket authenticated');
    return { frames, ws };
  }

  it('on a 1.12 node calls deauthorize-user, which drops the user\'s sockets there', async () => {
    const s = await fx.newServer();
    const user = crypto.randomUUID();
    const { ws } = await userSocket(s.uuid, user);
    const closed = new Promise((r) => ws.once('close', r));
    await fx.daemon.deauthorize(user, [s.uuid]);
    expect(fx.node.deauthorized).toContainEqual({ user, servers: [s.uuid] });
    await closed;
  });

  it('on a 1.11 node denies the user\'s JTI on each server instead', async () => {
    const old = await wingsFixture({ node: { version: '1.11.13' } });
    const s = await old.newServer();
    const user = crypto.randomUUID();
    await old.daemon.deauthorize(user, [s.uuid]);
    expect(old.node.denied.has(userServerJti(user, s.uuid))).toBe(true);
    expect(old.node.requests.some((r) => r.path === '/api/deauthorize-user')).toBe(false);
    await old.close();
  });

  it('refuses a socket from another Origin', async () => {
    const s = await fx.newServer();
    const ws = new WebSocket(`${fx.node.url.replace('http', 'ws')}/api/servers/${s.uuid}/ws`, { origin: 'http://evil.test' });
    const status = await new Promise<number>((resolve) => { ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)); ws.on('error', () => resolve(-1)); });
    expect(status).toBe(403);
  });
});

describe('WingsDaemon signed transfers (Wings\' /download/* and /upload/file)', () => {
  const multipart = (name: string, text: string) => {
    const form = new FormData();
    form.append('files', new Blob([text]), name);
    return form;
  };
  const signed = (serverUuid: string, scope: 'file.upload' | 'file.download', extra: { filePath?: string; now?: Date; key?: string } = {}) =>
    signTransferToken(extra.key ?? NODE_TOKEN, { scope, serverUuid, userUuid: crypto.randomUUID(), now: extra.now ?? new Date(), ...(extra.filePath ? { filePath: extra.filePath } : {}) });
  const uploadTo = async (serverUuid: string, token: string, name: string) =>
    (await fetch(`${fx.node.url}/upload/file?token=${encodeURIComponent(token)}&directory=/up`, { method: 'POST', body: multipart(name, `data of ${name}`) })).status;

  it('uploads through /upload/file with a single-use token, not through files/write', async () => {
    const s = await fx.newServer();
    const fs = fx.daemon.files(s);
    const before = fx.node.requests.length;
    const made = await fs.upload?.('/up', [{ name: 'a.txt', body: Buffer.from('AAA') }, { name: 'b.txt', body: Buffer.from('BB') }]);
    expect(made?.map((e) => [e.name, e.size])).toEqual([['a.txt', 3], ['b.txt', 2]]);
    expect((await fs.read('/up/a.txt')).toString()).toBe('AAA');
    expect(fx.node.uploads).toContainEqual({ server: s.uuid, directory: '/up' });
    expect(fx.node.requests.slice(before).some((r) => r.path.endsWith('/files/write'))).toBe(false);
    await expect(fs.upload?.('/up/../..', [{ name: 'x', body: Buffer.from('x') }])).rejects.toMatchObject({ code: 'invalid_path' });
  });

  it('refuses a reused, an expired, a foreign-signed and an other-server upload token, writing nothing', async () => {
    const s = await fx.newServer();
    const token = await signed(s.uuid, 'file.upload');
    expect(await uploadTo(s.uuid, token, 'once.txt')).toBe(200);
    expect(await uploadTo(s.uuid, token, 'twice.txt')).toBe(403);
    expect(await uploadTo(s.uuid, await signed(s.uuid, 'file.upload', { now: new Date(Date.now() - 16 * 60_000) }), 'late.txt')).toBe(403);
    expect(await uploadTo(s.uuid, await signed(s.uuid, 'file.upload', { key: 'x'.repeat(64) }), 'forged.txt')).toBe(403);
    expect(await uploadTo(s.uuid, await signed(crypto.randomUUID(), 'file.upload'), 'nowhere.txt')).toBe(403);
    expect((await fx.daemon.files(s).list('/up')).map((e) => e.name)).toEqual(['once.txt']);
  });

  it('downloads a file once per token, and refuses an expired one', async () => {
    const s = await fx.newServer();
    await fx.daemon.files(s).write('/dl.txt', Buffer.from('DL'));
    const token = await signed(s.uuid, 'file.download', { filePath: '/dl.txt' });
    const first = await fetch(`${fx.node.url}/download/file?token=${encodeURIComponent(token)}`);
    expect([first.status, await first.text()]).toEqual([200, 'DL']);
    expect((await fetch(`${fx.node.url}/download/file?token=${encodeURIComponent(token)}`)).status).toBe(403);
    const late = await signed(s.uuid, 'file.download', { filePath: '/dl.txt', now: new Date(Date.now() - 16 * 60_000) });
    expect((await fetch(`${fx.node.url}/download/file?token=${encodeURIComponent(late)}`)).status).toBe(403);
    // The panel's own path signs a fresh token each time, so its downloads keep working.
    for (let i = 0; i < 2; i++) expect((await fx.daemon.files(s).openRead('/dl.txt')).size).toBe(2);
  });
});

describe('RoutingDaemon on a node it has not met yet', () => {
  it('forwards every filesystem call, realPath and upload included, once the node\'s daemon is made', async () => {
    const s = await fx.newServer();
    const made: WingsDaemon[] = [];
    const routing = new RoutingDaemon(fx.daemon, { connection: async () => ({ id: 7, name: 'later', url: fx.node.url, token: NODE_TOKEN }) },
      (node) => { const d = new WingsDaemon(node, { panelUrl: PANEL_ORIGIN, maxUploadBytes: 1024 }); made.push(d); return d; });
    const server = { ...s, nodeId: 7 };
    expect(await routing.files(server).realPath('/plugins/a.yml')).toBe('/plugins/a.yml');
    expect((await new RoutingDaemon(fx.daemon, { connection: async () => ({ id: 7, name: 'later', url: fx.node.url, token: NODE_TOKEN }) },
      (node) => { const d = new WingsDaemon(node, { panelUrl: PANEL_ORIGIN, maxUploadBytes: 1024 }); made.push(d); return d; })
      .files(server).upload?.('/', [{ name: 'late.txt', body: Buffer.from('L') }]))?.map((e) => e.name)).toEqual(['late.txt']);
    for (const d of made) await d.close();
  });
});

describe('RoutingDaemon after a node:update', () => {
  it('re-reads the node and retargets its daemon in place: calls and the open upstream socket use the new token', async () => {
    const s = await fx.newServer();
    let token = 'w'.repeat(64); // the token before the node's config.yml was fixed
    const routing = new RoutingDaemon(fx.daemon, { connection: async () => ({ id: 8, name: 'updated', url: fx.node.url, token }) },
      (node) => new WingsDaemon(node, { panelUrl: PANEL_ORIGIN, maxUploadBytes: 1024 }), 0);
    const server = { ...s, nodeId: 8 };
    const events: DaemonEvent[] = [];
    await expect(routing.logs(server, 1)).rejects.toMatchObject({ status: 403 }); // the node refuses the old token
    const stop = routing.subscribe(server, (e) => events.push(e));
    token = NODE_TOKEN;
    await routing.power(server, 'start'); // the next call re-reads the node (rereadMs 0 here, 30 s in the panel)
    const daemon = await routing.wingsFor(8);
    await until(() => daemon.upstream(s.uuid)?.connected === true, 'the upstream socket authenticated with the new token');
    await until(() => events.some((e) => e.type === 'status' && e.state === 'running'), 'running through the same subscription');
    await routing.power(server, 'kill');
    stop();
    await daemon.close();
  });
});
