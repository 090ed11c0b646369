import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

/**
 * The behaviours the lean request path (issue 24, docs/performance.md) must keep: security headers on every
 * answer, sessions and cookies only for browsers, CSRF on cookie writes, the body parser's answers, and Express's
 * matching rules now that the manifest is one segment tree.
 */
let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel(); });
afterAll(async () => { await panel?.close(); });

/** A raw request (fetch refuses a GET with a body). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    // Node sends a GET's body without Content-Length unless told: say it, as a client sending a body would.
    const all = body === undefined ? headers : { 'content-length': String(Buffer.byteLength(body)), ...headers };
    const req = http.request(new URL(path, panel.url), { method, headers: all }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function member() {
  const owner = await makeUser(panel.app.db);
  const user = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  await makeSubuser(panel.app.db, server, user, ['control.console']);
  return { user, server };
}

describe('security headers', () => {
  it('every answer carries helmet\'s headers: success, error envelope, 404, API key', async () => {
    const { user, server } = await member();
    const token = await makeApiKey(panel.app.db, user);
    const answers = [
      await raw('GET', '/api/health'),
      await raw('GET', '/api/client'),
      await raw('GET', '/api/no/such/route'),
      await raw('GET', `/api/client/servers/${server.uuid}`, { authorization: `Bearer ${token}` }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 401, 404, 200]);
    for (const a of answers) {
      const csp = String(a.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self' ws: wss:");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(a.headers['x-content-type-options']).toBe('nosniff');
      expect(a.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(a.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(a.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(a.headers['referrer-policy']).toBe('no-referrer');
      expect(a.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('sessions only for browsers', () => {
  it('API-key requests set no cookie, even when they also carry a browser\'s cookies', async () => {
    const { user, server } = await member();
    const token = await makeApiKey(panel.app.db, user);
    const browser = new HttpClient(panel.url);
    await browser.login(user.email, TEST_PASSWORD);
    const cookie = `cohost_session=${browser.cookie('cohost_session')}`; // no XSRF-TOKEN: a browser would get it back
    const plain = await raw('GET', `/api/client/servers/${server.uuid}`, { authorization: `Bearer ${token}` });
    const mixed = await raw('GET', `/api/client/servers/${server.uuid}`, { authorization: `Bearer ${token}`, cookie });
    expect([plain.status, mixed.status]).toEqual([200, 200]);
    expect(plain.headers['set-cookie']).toBeUndefined();
    expect(mixed.headers['set-cookie']).toBeUndefined();
  });

  it('anonymous reads set no cookie; a browser that lost its XSRF cookie gets it back', async () => {
    expect((await raw('GET', '/api/health')).headers['set-cookie']).toBeUndefined();
    expect((await raw('GET', '/api/client')).headers['set-cookie']).toBeUndefined();
    const { user, server } = await member();
    const browser = new HttpClient(panel.url);
    await browser.login(user.email, TEST_PASSWORD);
    const xsrf = browser.cookie('XSRF-TOKEN');
    const res = await raw('GET', `/api/client/servers/${server.uuid}`, { cookie: `cohost_session=${browser.cookie('cohost_session')}` });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']?.join('\n')).toContain(`XSRF-TOKEN=${xsrf}`);
    const kept = await raw('GET', `/api/client/servers/${server.uuid}`, { cookie: `cohost_session=${browser.cookie('cohost_session')}; XSRF-TOKEN=${xsrf}` });
    expect(kept.headers['set-cookie']).toBeUndefined();
  });

  it('a cookieless public write still starts a session (signing in)', async () => {
    const user = await makeUser(panel.app.db);
    const res = await raw('POST', '/auth/login', { 'content-type': 'application/json' }, JSON.stringify({ user: user.email, password: TEST_PASSWORD }));
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']?.join('\n')).toMatch(/cohost_session=.*XSRF-TOKEN=|XSRF-TOKEN=.*cohost_session=/s);
  });
});

describe('CSRF on cookie writes', () => {
  it('a session write needs the XSRF header; an API-key write needs none', async () => {
    const user = await makeUser(panel.app.db);
    const browser = new HttpClient(panel.url);
    await browser.login(user.email, TEST_PASSWORD);
    const refused = await browser.post('/api/client/account/api-keys', { description: 'x' }, { csrf: false });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].detail).toBe('CSRF token mismatch.');
    expect((await browser.post('/api/client/account/api-keys', { description: 'x' })).status).toBe(200);
    const token = await makeApiKey(panel.app.db, user);
    const keyed = await new HttpClient(panel.url).withApiKey(token).post('/api/client/account/ssh-keys/remove', { fingerprint: 'SHA256:nothing' });
    expect(keyed.status).not.toBe(403);
  });
});

describe('bodies', () => {
  it('a GET with a JSON body is parsed as before: malformed is a 400 envelope, well-formed is ignored', async () => {
    const { user, server } = await member();
    const token = await makeApiKey(panel.app.db, user);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const bad = await raw('GET', `/api/client/servers/${server.uuid}`, auth, '{"oops":');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).errors[0].detail).toBe('The request body could not be parsed.');
    const big = await raw('GET', `/api/client/servers/${server.uuid}`, auth, JSON.stringify({ pad: 'x'.repeat(1_100_000) }));
    expect(big.status).toBe(413);
    const ignored = await raw('GET', `/api/client/servers/${server.uuid}`, auth, '{"anything":1}');
    expect(ignored.status).toBe(200);
    expect(JSON.parse(ignored.text).attributes.uuid).toBe(server.uuid);
  });

  it('answers are JSON written whole: exact Content-Length, UTF-8, no ETag hashed, HEAD without a body', async () => {
    const { user, server } = await member();
    await panel.app.pool.query('UPDATE servers SET name = ? WHERE id = ?', ['Spiel \u{1F3AE} ünï', server.id]);
    const auth = { authorization: `Bearer ${await makeApiKey(panel.app.db, user)}` };
    const res = await raw('GET', `/api/client/servers/${server.uuid}`, auth);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(res.headers.etag).toBeUndefined();
    expect(JSON.parse(res.text).attributes.name).toBe('Spiel \u{1F3AE} ünï');
    const head = await raw('HEAD', `/api/client/servers/${server.uuid}`, auth);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['content-length']).toBe(res.headers['content-length']);
  });

  it('a POST without a body is validated as an empty object', async () => {
    const user = await makeUser(panel.app.db);
    const res = await raw('POST', '/auth/login', {});
    expect(res.status).toBe(422);
    expect(user).toBeTruthy();
  });
});

describe('the manifest as a segment tree keeps Express\'s matching', () => {
  it('case-insensitive paths, one trailing slash, HEAD by the GET route, OPTIONS lists the methods, others 404', async () => {
    const { user, server } = await member();
    const token = await makeApiKey(panel.app.db, user);
    const auth = { authorization: `Bearer ${token}` };
    expect((await raw('GET', '/API/Health')).status).toBe(200);
    expect((await raw('GET', '/api/health/')).status).toBe(200);
    expect((await raw('GET', '/api/health//')).status).toBe(404);
    expect((await raw('GET', `/api/client/servers/${server.uuid}/`, auth)).status).toBe(200);
    expect((await raw('GET', `/api/client/servers/${server.uuid}?include=egg`, auth)).status).toBe(200);
    const head = await raw('HEAD', `/api/client/servers/${server.uuid}`, auth);
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    const options = await raw('OPTIONS', '/api/client/account/api-keys');
    expect(options.status).toBe(200);
    expect(options.headers.allow).toBe('GET, HEAD, POST');
    const wrongMethod = await raw('PUT', '/api/health');
    expect(wrongMethod.status).toBe(404);
    expect(JSON.parse(wrongMethod.text).errors[0].detail).toBe('The requested route does not exist.');
    expect((await raw('GET', '/api/client/servers/')).status).toBe(404);
  });

  it('the short identifier and the uuid both name the server; an unknown one is 404', async () => {
    const { user, server } = await member();
    const token = await makeApiKey(panel.app.db, user);
    const auth = { authorization: `Bearer ${token}` };
    expect((await raw('GET', `/api/client/servers/${server.uuid.slice(0, 8)}`, auth)).status).toBe(200);
    expect((await raw('GET', `/api/client/servers/${server.uuid.toUpperCase()}`, auth)).status).toBe(200);
    expect((await raw('GET', '/api/client/servers/0000000a', auth)).status).toBe(404);
  });

  it('requests and responses reach the app already of its prototypes, so Express changes none per request', async () => {
    const seen: Array<{ req: object; res: object; reqIsNode: boolean; resIsNode: boolean }> = [];
    const spy = (req: http.IncomingMessage, res: http.ServerResponse) => {
      seen.push({ req: Object.getPrototypeOf(req) as object, res: Object.getPrototypeOf(res) as object, reqIsNode: req instanceof http.IncomingMessage, resIsNode: res instanceof http.ServerResponse });
    };
    panel.http.prependListener('request', spy);
    try {
      expect((await new HttpClient(panel.url).get('/api/health')).status).toBe(200);
    } finally {
      panel.http.off('request', spy);
    }
    const [first] = seen;
    expect(first).toBeDefined();
    // Not Node's own prototypes, but Express's request/response (which carry the app's helpers such as `get`, `json`).
    expect(first!.req).not.toBe(http.IncomingMessage.prototype);
    expect(first!.res).not.toBe(http.ServerResponse.prototype);
    expect(typeof (first!.req as { get?: unknown }).get).toBe('function');
    expect(typeof (first!.res as { json?: unknown }).json).toBe('function');
    expect(first!.reqIsNode && first!.resIsNode).toBe(true);
  });
});

