import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeUser, TEST_PASSWORD } from '../factories/records';
import { activityOf, cli } from './account-support';

let panel: TestPanel;
// Rate limits have their own file; here many sign-ins fail on purpose from one address.
beforeAll(async () => { panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000' } }); });
afterAll(async () => { await panel?.close(); });

const client = () => new HttpClient(panel.url, undefined, { 'user-agent': 'auth-login-test' });

describe('signing in with a password', () => {
  it('refuses a wrong password and an unknown user with the same 401, and logs auth:fail', async () => {
    const user = await makeUser(panel.app.db);
    const wrong = await client().login(user.email, 'not the password');
    const unknown = await client().login('nobody-at-all@example.com', TEST_PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.errors[0].detail).toBe('These credentials do not match our records.');
    const rows = await activityOf(panel, user.id);
    expect(rows.map((r) => r.event)).toEqual(['auth:fail']);
    expect(rows[0]).toMatchObject({ ip: '127.0.0.1', user_agent: 'auth-login-test' });
  });

  it('accepts the email or the username, regenerates the session id and logs auth:login', async () => {
    const user = await makeUser(panel.app.db);
    const byEmail = client();
    const first = await byEmail.post('/auth/login', { user: user.email, password: TEST_PASSWORD });
    expect(first.status).toBe(200);
    const before = byEmail.cookie('cohost_session');
    expect(before).toBeDefined();
    const res = await byEmail.post('/auth/login', { user: user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ complete: true, user: { uuid: user.uuid, email: user.email, '2fa_enabled': false } });
    expect(byEmail.cookie('cohost_session')).not.toBe(before);
    // The old id is dead: a stolen pre-login cookie is worth nothing (no fixation).
    const stale = new HttpClient(panel.url, undefined, { cookie: `cohost_session=${before}` });
    expect((await stale.get('/api/client/account')).status).toBe(401);
    const byName = client();
    expect((await byName.login(user.username ?? '', TEST_PASSWORD)).body.data.complete).toBe(true);
    const rows = await activityOf(panel, user.id);
    expect(rows.map((r) => r.event)).toEqual(['auth:login', 'auth:login', 'auth:login']);
    expect(rows[0]).toMatchObject({ ip: '127.0.0.1', user_agent: 'auth-login-test' });
  });

  it('needs the XSRF header on every cookie-authenticated write, but not on reads or with a key', async () => {
    const user = await makeUser(panel.app.db);
    const c = client();
    // A cross-site form cannot sign anyone in: only JSON bodies are read.
    const form = await c.request('POST', '/auth/login', `user=${encodeURIComponent(user.email)}&password=x`, {
      raw: true, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(422);
    expect((await c.login(user.email, TEST_PASSWORD)).status).toBe(200);
    expect((await c.get('/api/client/account')).status).toBe(200);
    const missing = await c.post('/api/client/account/ssh-keys', { name: 'x', public_key: 'x' }, { csrf: false });
    expect(missing.status).toBe(403);
    expect(missing.body.errors[0].detail).toBe('CSRF token mismatch.');
    const wrong = await c.post('/api/client/account/ssh-keys', { name: 'x', public_key: 'x' }, { csrf: false, headers: { 'x-xsrf-token': 'forged' } });
    expect(wrong.status).toBe(403);
    // The token rotated at sign-in is usable straight away.
    expect((await c.post('/api/client/account/ssh-keys', { name: 'x', public_key: 'x' })).status).toBe(422);
    const keyed = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    expect((await keyed.post('/api/client/account/ssh-keys', { name: 'x', public_key: 'x' })).status).toBe(422);
  });

  it('signs out: the session no longer works', async () => {
    const user = await makeUser(panel.app.db);
    const c = client();
    await c.login(user.email, TEST_PASSWORD);
    expect((await c.post('/auth/logout')).status).toBe(204);
    expect((await c.get('/api/client/account')).status).toBe(401);
  });
});

describe('suspension', () => {
  it('ends a live session and stops API keys at once, refuses sign-in, and reinstating does not revive old sessions', async () => {
    const user = await makeUser(panel.app.db);
    const session = client();
    await session.login(user.email, TEST_PASSWORD);
    const keyed = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    expect((await session.get('/api/client/account')).status).toBe(200);
    expect((await keyed.get('/api/client/account')).status).toBe(200);

    const suspend = await cli(panel, 'user:suspend', '--email', user.email);
    expect(suspend.code).toBe(0);
    expect(JSON.parse(suspend.stdout)).toMatchObject({ uuid: user.uuid, suspended: true });
    expect((await session.get('/api/client/account')).status).toBe(401);
    const keyRes = await keyed.get('/api/client/account');
    expect(keyRes.status).toBe(401);
    expect(keyRes.body.errors[0].detail).toBe('Your account has been suspended.');
    const signIn = await client().login(user.email, TEST_PASSWORD);
    expect(signIn.status).toBe(403);
    expect(signIn.body.errors[0].detail).toBe('Your account has been suspended.');
    // A wrong password still gets the plain answer: suspension is only revealed to someone who knows the password.
    expect((await client().login(user.email, 'wrong')).body.errors[0].detail).toBe('These credentials do not match our records.');

    expect((await cli(panel, 'user:unsuspend', '--email', user.email)).code).toBe(0);
    expect((await session.get('/api/client/account')).status).toBe(401);
    expect((await keyed.get('/api/client/account')).status).toBe(200);
    expect((await client().login(user.email, TEST_PASSWORD)).status).toBe(200);
    const events = (await panel.app.pool.query('SELECT event FROM activity_logs WHERE event LIKE ? ORDER BY id', ['user:account.%suspended']))[0];
    expect(events).toEqual([{ event: 'user:account.suspended' }, { event: 'user:account.unsuspended' }]);
  });

  it('publishes a revocation for the user on every server when suspended through the service', async () => {
    const { setUserSuspended } = await import('@server/services/account/set-user-suspended');
    const user = await makeUser(panel.app.db);
    const seen: unknown[] = [];
    const off = panel.app.bus.subscribe((r) => { seen.push(r); });
    await setUserSuspended(panel.app, null, user.email, true);
    off();
    expect(seen).toEqual([{ userUuid: user.uuid, serverUuid: null }]);
  });
});
