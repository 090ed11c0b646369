import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerRow } from '@db/schema/servers';
import { HttpClient } from '../factories/http';
import { freePort, giveAllocation, startWithSpec } from '../factories/network';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeUser } from '../factories/records';
import { killToOffline } from '../matrix/processes';

const GAME = fileURLToPath(new URL('./fixtures/network-game-server.mjs', import.meta.url));

let panel: TestPanel;
beforeAll(async () => {
  process.env.SAMPLE_BOOT_MS = '0';
  panel = await startTestPanel({ env: { PROXY_ROUTE_CACHE_MS: '0' } });
});
afterAll(async () => { await panel?.close(); });

interface Proxied { status: number; headers: http.IncomingHttpHeaders; text: string; json: () => Record<string, unknown> }

/** A request to the proxy with a chosen Host header (fetch cannot set one). */
function viaProxy(
  port: number, host: string, pathname = '/',
  options: { tls?: boolean; method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Proxied> {
  return new Promise((resolve, reject) => {
    const lib = options.tls ? https : http;
    const req = lib.request({
      host: '127.0.0.1', port, path: pathname, method: options.method ?? 'GET', headers: { ...options.headers, host },
      ...(options.tls ? { servername: host, rejectUnauthorized: false } : {}),
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens a websocket through the proxy, sends one message and resolves with the reply (or the refusal status). */
function wsRoundTrip(port: number, host: string, message: string): Promise<{ reply?: string; refused?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/live`, { headers: { host } });
    socket.on('open', () => socket.send(message));
    socket.on('message', (data) => { resolve({ reply: String(data) }); socket.close(); });
    socket.on('unexpected-response', (_req, res) => { resolve({ refused: res.statusCode ?? 0 }); socket.terminate(); });
    socket.on('error', reject);
  });
}

const domain = () => `play-${randomBytes(4).toString('hex')}.test`;

async function world(p: TestPanel = panel, overrides: Partial<ServerRow> = {}) {
  const owner = await makeUser(p.app.db);
  const server = await makeServer(p.app.db, owner, { startupCommand: `node "${GAME}"`, ...overrides });
  const primary = await giveAllocation(p.app.db, server, '127.0.0.1', await freePort(), true);
  const o = new HttpClient(p.url).withApiKey(await makeApiKey(p.app.db, owner));
  return { owner, server, primary, o, base: `/api/client/servers/${server.identifier}/proxy` };
}

describe('the reverse proxy', () => {
  it('forwards HTTP and websockets by Host to the running game process, and says why when it stops', async () => {
    const { server, primary, o, base } = await world();
    const host = domain();
    const created = await o.post(base, { domain: host.toUpperCase(), allocation_id: primary.id, websocket: true });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: 'proxy_route',
      attributes: { domain: host, path_prefix: '/', allocation_id: primary.id, target: { ip: '127.0.0.1', port: primary.port }, websocket: true, status: 'server_stopped' },
    });
    const port = panel.proxyPort as number;
    const stopped = await viaProxy(port, host);
    expect(stopped.status).toBe(502);
    expect(stopped.text).toMatch(/is stopped/);

    await startWithSpec(panel.app, server);
    try {
      const res = await viaProxy(port, `${host}:${port}`, '/hello?x=1', { method: 'POST', body: 'ping' });
      expect(res.status).toBe(200);
      expect(res.json()).toMatchObject({ uuid: server.uuid, port: primary.port, method: 'POST', path: '/hello?x=1', body: 'ping', forwardedFor: '127.0.0.1' });
      expect(await wsRoundTrip(port, host, 'hi')).toEqual({ reply: `echo:${primary.port}:hi` });
      expect((await o.get(base)).body.data[0].attributes.status).toBe('active');

      await panel.app.pool.query('UPDATE servers SET suspended = 1 WHERE id = ?', [server.id]);
      const suspended = await viaProxy(port, host);
      expect(suspended.status).toBe(502);
      expect(suspended.text).toMatch(/is suspended/);
      expect(await wsRoundTrip(port, host, 'hi')).toEqual({ refused: 502 });
      await panel.app.pool.query('UPDATE servers SET suspended = 0 WHERE id = ?', [server.id]);
      expect((await viaProxy(port, host)).status).toBe(200);
    } finally {
      await killToOffline(panel.app, server);
    }
    expect((await viaProxy(port, host)).headers['x-cohost-proxy']).toBe('server_stopped');
    expect((await viaProxy(port, domain())).status).toBe(404);
  });

  it('honours the path prefix and refuses websockets on a route without them', async () => {
    const { server, primary, o, base } = await world();
    const host = domain();
    const made = await o.post(base, { domain: host, path_prefix: '/map/', allocation_id: primary.id });
    expect(made.body.attributes.path_prefix).toBe('/map');
    await startWithSpec(panel.app, server);
    try {
      const port = panel.proxyPort as number;
      expect((await viaProxy(port, host, '/map')).status).toBe(200);
      expect((await viaProxy(port, host, '/map/tiles/1.png')).json().path).toBe('/map/tiles/1.png');
      const outside = await viaProxy(port, host, '/mapx');
      expect(outside.status).toBe(404);
      expect(outside.headers['x-cohost-proxy']).toBe('outside_prefix');
      expect((await wsRoundTrip(port, host, 'hi')).refused).toBe(404);
      const id = made.body.attributes.id as number;
      await o.post(`${base}/${id}`, { path_prefix: '/' });
      expect(await wsRoundTrip(port, host, 'hi')).toEqual({ refused: 403 });
      await o.post(`${base}/${id}`, { websocket: true });
      expect(await wsRoundTrip(port, host, 'hi')).toEqual({ reply: `echo:${primary.port}:hi` });
    } finally {
      await killToOffline(panel.app, server);
    }
  });

  it('forwards end to end: hop-by-hop headers dropped, the X-Forwarded chain appended, bodies whole either way', async () => {
    const { server, primary, o, base } = await world();
    const host = domain();
    await o.post(base, { domain: host, allocation_id: primary.id });
    const silent = await giveAllocation(panel.app.db, server, '127.0.0.1', await freePort());
    const deaf = domain();
    await o.post(base, { domain: deaf, allocation_id: silent.id });
    await startWithSpec(panel.app, server);
    try {
      const port = panel.proxyPort as number;
      const sent = await viaProxy(port, host, '/h', {
        headers: { connection: 'keep-alive, x-secret-hop', 'x-secret-hop': 'no', 'x-end': 'yes', 'x-forwarded-for': '203.0.113.9', te: 'trailers' },
      });
      const headers = sent.json().headers as Record<string, string>;
      expect(headers['x-end']).toBe('yes');
      expect(headers).not.toHaveProperty('x-secret-hop');
      expect(headers).not.toHaveProperty('te');
      expect(headers['x-forwarded-for']).toBe('203.0.113.9,127.0.0.1');
      expect(headers['x-forwarded-proto']).toBe('http');
      expect(headers['x-forwarded-port']).toBe(String(port));
      expect(headers['x-forwarded-host']).toBe(host);
      expect(headers.host).toBe(host);

      const cookies = await viaProxy(port, host, '/cookies');
      expect(cookies.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(cookies.headers).not.toHaveProperty('x-hop');

      // 3 MiB up with a length, and chunked (no length), arrive byte for byte.
      const big = randomBytes(3 << 20);
      const sha = createHash('sha256').update(big).digest('hex');
      const up = await viaProxy(port, host, '/upload', { method: 'PUT', body: big });
      expect(up.json()).toMatchObject({ method: 'PUT', bodyLength: big.length, bodySha256: sha });
      const chunked = await viaProxy(port, host, '/upload', { method: 'POST', body: big, headers: { 'transfer-encoding': 'chunked' } });
      expect(chunked.json()).toMatchObject({ bodyLength: big.length, bodySha256: sha });
      const head = await viaProxy(port, host, '/h', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.text).toBe('');

      // A visitor who leaves mid-download ends the upstream request too (nothing keeps pulling from the game).
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/stream', headers: { host } }, (res) => {
          let got = 0;
          res.on('data', (c: Buffer) => { got += c.length; if (got > 64 * 1024) { req.destroy(); resolve(); } });
        });
        req.on('error', (err) => { if (!req.destroyed) reject(err); });
      });
      await expect.poll(async () => (await viaProxy(port, host, '/streams-closed')).json().streamsClosed, { timeout: 5000 }).toBe(1);

      // A route to an allocation nothing listens on: the server runs, its port does not answer.
      const unanswered = await viaProxy(port, deaf, '/');
      expect(unanswered.status).toBe(502);
      expect(unanswered.headers['x-cohost-proxy']).toBe('unreachable');
    } finally {
      await killToOffline(panel.app, server);
    }
  });
});

describe('proxy routes', () => {
  it('keeps domains unique panel-wide and targets only the server\'s own allocations', async () => {
    const a = await world();
    const b = await world();
    const host = domain();
    expect((await a.o.post(a.base, { domain: host, allocation_id: a.primary.id })).status).toBe(200);
    const taken = await b.o.post(b.base, { domain: host, allocation_id: b.primary.id });
    expect(taken.status).toBe(422);
    expect(taken.body.errors[0].meta).toEqual({ source_field: 'domain', rule: 'unique' });
    const foreign = await b.o.post(b.base, { domain: domain(), allocation_id: a.primary.id });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].meta.source_field).toBe('allocation_id');
    for (const bad of ['http://x.test', 'no_dots', '*.wild.test', 'a..b.test']) {
      const res = await b.o.post(b.base, { domain: bad, allocation_id: b.primary.id });
      expect(res.status, bad).toBe(422);
      expect(res.body.errors[0].meta.source_field).toBe('domain');
    }
    expect((await b.o.post(b.base, { domain: domain(), path_prefix: '/../etc', allocation_id: b.primary.id })).status).toBe(422);
    // The allocation a route forwards to cannot be released under it.
    const extra = await giveAllocation(panel.app.db, a.server, '127.0.0.1', await freePort());
    const routed = await a.o.post(a.base, { domain: domain(), allocation_id: extra.id });
    const refused = await a.o.delete(`/api/client/servers/${a.server.identifier}/network/allocations/${extra.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].detail).toContain(routed.body.attributes.domain);
    expect((await b.o.delete(`${a.base.replace(a.server.identifier, b.server.identifier)}/${routed.body.attributes.id}`)).status).toBe(404);
  });

  it('never overshoots proxy_limit under 20 parallel creates at limit − 1, and logs each change', async () => {
    const { server, primary, o, base } = await world(panel, { proxyLimit: 2 });
    const first = await o.post(base, { domain: domain(), allocation_id: primary.id });
    const results = await Promise.all(Array.from({ length: 20 }, () => o.post(base, { domain: domain(), allocation_id: primary.id })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(19);
    expect((await o.get(base)).body.data).toHaveLength(2);
    const id = first.body.attributes.id as number;
    const renamed = domain();
    expect((await o.post(`${base}/${id}`, { domain: renamed })).body.attributes.domain).toBe(renamed);
    expect((await o.delete(`${base}/${id}`)).status).toBe(204);
    const [rows] = await panel.app.pool.query('SELECT event FROM activity_logs WHERE server_id = ? ORDER BY id', [server.id]);
    expect((rows as Array<{ event: string }>).map((r) => r.event))
      .toEqual(['server:proxy.create', 'server:proxy.create', 'server:proxy.update', 'server:proxy.delete']);
    const zero = await world(panel, { proxyLimit: 0 });
    expect((await zero.o.post(zero.base, { domain: domain(), allocation_id: zero.primary.id })).status).toBe(400);
  });

  it('refuses to create routes with 501 when the panel runs no proxy', async () => {
    const off = await startTestPanel({ env: { PROXY_ENABLED: 'false' } });
    try {
      expect(off.proxyPort).toBeNull();
      const { primary, o, base } = await world(off);
      const res = await o.post(base, { domain: domain(), allocation_id: primary.id });
      expect(res.status).toBe(501);
      expect(res.body.errors[0].detail).toMatch(/reverse proxy is not enabled/);
      expect((await o.get(base)).body.meta).toMatchObject({ proxy_enabled: false });
    } finally {
      await off.close();
    }
  });

  it("speaks HTTPS with the operator's certificate", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-tls-'));
    const host = domain();
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${host}`,
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = await startTestPanel({ env: { PROXY_TLS_CERT: path.join(dir, 'cert.pem'), PROXY_TLS_KEY: path.join(dir, 'key.pem'), PROXY_ROUTE_CACHE_MS: '0' } });
    try {
      const { server, primary, o, base } = await world(tls);
      await o.post(base, { domain: host, allocation_id: primary.id });
      await startWithSpec(tls.app, server);
      try {
        const res = await viaProxy(tls.proxyPort as number, host, '/secure', { tls: true });
        expect(res.status).toBe(200);
        expect(res.json().path).toBe('/secure');
      } finally {
        await killToOffline(tls.app, server);
      }
    } finally {
      await tls.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
