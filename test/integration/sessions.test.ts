import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootCohost, type Cohost } from '@server/boot';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { signSessionId } from '@server/auth/session';

let a: TestPanel;
let b: Cohost;
beforeAll(async () => {
  a = await startTestPanel();
  // A second panel instance on the same database, as behind a load balancer.
  b = await bootCohost({ env: { DATABASE_URL: a.database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: a.dataDir, SFTP_PORT: '0', SFTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent' } });
});
afterAll(async () => { await b?.close(); await a?.close(); });

async function sessionRows(): Promise<number> {
  const [rows] = await a.app.pool.query('SELECT COUNT(*) AS n FROM sessions') as unknown as [Array<{ n: number }>];
  return Number(rows[0]?.n);
}

describe('sessions', () => {
  it('anonymous and API-key requests never create session rows', async () => {
    const user = await makeUser(a.app.db);
    const server = await makeServer(a.app.db, user);
    const token = await makeApiKey(a.app.db, user);
    const before = await sessionRows();
    for (let i = 0; i < 3; i++) {
      await new HttpClient(a.url).get('/api/health');
      await new HttpClient(a.url).get('/api/client');
      expect((await new HttpClient(a.url).withApiKey(token).get(`/api/client/servers/${server.uuid}`)).status).toBe(200);
    }
    expect(await sessionRows()).toBe(before);
  });

  it('signing in issues the XSRF cookie with the session', async () => {
    const user = await makeUser(a.app.db);
    const client = new HttpClient(a.url);
    await client.login(user.email, TEST_PASSWORD);
    expect(client.cookie('XSRF-TOKEN')).toBeTruthy();
    expect(client.cookie('cohost_session')).toBeTruthy();
  });

  it('a logout on one instance ends the session on another that had it cached', async () => {
    const user = await makeUser(a.app.db);
    const onA = new HttpClient(a.url);
    await onA.login(user.email, TEST_PASSWORD);
    const onB = new HttpClient(b.url);
    for (const name of ['cohost_session', 'XSRF-TOKEN']) {
      (onB as unknown as { cookies: Map<string, string> }).cookies.set(name, onA.cookie(name) ?? '');
    }
    expect((await onB.get('/api/client')).status).toBe(200); // now cached on B
    expect((await onA.post('/auth/logout')).status).toBe(204);
    expect((await onB.get('/api/client')).status).toBe(401);
  });

  it('a cookie-authenticated write without the XSRF header is refused with 403', async () => {
    const user = await makeUser(a.app.db);
    const client = new HttpClient(a.url);
    await client.login(user.email, TEST_PASSWORD);
    const res = await client.post('/auth/logout', {}, { csrf: false });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].detail).toMatch(/CSRF/);
    expect((await client.get('/api/client')).status).toBe(200);
  });

  it('the login cookie is express-session\'s: signed id, Path=/, HttpOnly, SameSite=Lax, seven days, not Secure over http', async () => {
    const user = await makeUser(a.app.db);
    const res = await fetch(`${a.url}/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: user.email, password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const line = res.headers.getSetCookie().find((c) => c.startsWith('cohost_session='));
    expect(line).toMatch(/^cohost_session=s%3A[\w-]+\.[\w%]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(line!)![1]!);
    expect(Math.abs(expires - (Date.now() + 7 * 24 * 3600_000))).toBeLessThan(120_000);
  });

  it('a signed-in read neither rewrites the session nor sends a cookie; a changed session is stored before the answer', async () => {
    const user = await makeUser(a.app.db);
    const client = new HttpClient(a.url);
    await client.login(user.email, TEST_PASSWORD);
    const sid = decodeURIComponent(client.cookie('cohost_session')!).slice(2).split('.')[0]!;
    const row = async () => {
      const [rows] = await a.app.pool.query('SELECT data, expires FROM sessions WHERE session_id = ?', [sid]) as unknown as [Array<{ data: string; expires: number }>];
      return rows[0];
    };
    const before = await row();
    expect(JSON.parse(before!.data).auth.userId).toBe(user.id);
    for (let i = 0; i < 3; i++) {
      const res = await client.get('/api/client');
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect(await row()).toEqual(before);
    // Signing out destroys the row before the 204 reaches the browser.
    expect((await client.post('/auth/logout')).status).toBe(204);
    expect(await row()).toBeUndefined();
  });

  it('a session id with a forged or foreign signature is refused, even after the genuine cookie was seen', async () => {
    const user = await makeUser(a.app.db);
    const client = new HttpClient(a.url);
    await client.login(user.email, TEST_PASSWORD);
    expect((await client.get('/api/client')).status).toBe(200);
    const genuine = decodeURIComponent(client.cookie('cohost_session')!);
    const sid = genuine.slice(2).split('.')[0]!;
    const tampered = `${genuine.slice(0, -2)}${genuine.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const value of [tampered, `s:${signSessionId(sid, 'not the panel secret')}`, `s:${sid}`, sid]) {
      const res = await fetch(`${a.url}/api/client`, { headers: { cookie: `cohost_session=${encodeURIComponent(value)}`, accept: 'application/json' } });
      expect(res.status, value).toBe(401);
    }
    expect((await client.get('/api/client')).status).toBe(200);
  });
});
