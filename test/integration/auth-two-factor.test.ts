import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserById } from '@db/repositories/users';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeUser, TEST_PASSWORD } from '../factories/records';
import { activityOf, manualClock } from './account-support';

const clock = manualClock();
let panel: TestPanel;
let user: UserRow;
let secret: string;
let recovery: string[];
beforeAll(async () => {
  panel = await startTestPanel({ clock, env: { LOGIN_RATE_LIMIT: '1000' } });
  user = await makeUser(panel.app.db);
});
afterAll(async () => { await panel?.close(); });

const code = () => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
const nextStep = () => clock.advance(30_000);

async function passwordStep(): Promise<{ client: HttpClient; token: string }> {
  const client = new HttpClient(panel.url);
  const res = await client.login(user.email, TEST_PASSWORD);
  expect(res.status).toBe(200);
  expect(res.body.data.complete).toBe(false);
  expect(Object.keys(res.body.data)).toEqual(['complete', 'confirmation_token', 'methods']);
  return { client, token: res.body.data.confirmation_token };
}

describe('two-factor enrolment', () => {
  it('shows a QR data URL and the secret, kept encrypted at rest', async () => {
    const c = new HttpClient(panel.url);
    await c.login(user.email, TEST_PASSWORD);
    const res = await c.get('/api/client/account/two-factor');
    expect(res.status).toBe(200);
    expect(res.body.data.image_url_data).toMatch(/^data:image\/png;base64,/);
    expect(res.body.data.secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(res.body.data.otpauth_url).toContain(`secret=${res.body.data.secret}`);
    secret = res.body.data.secret;
    const stored = await findUserById(panel.app.db, user.id);
    expect(stored?.totpSecret).toMatch(/^v1\./);
    expect(stored?.totpSecret).not.toContain(secret);
    expect(stored?.totpEnabled).toBe(false);
  });

  it('enables only with the password and a valid code, and returns 10 recovery codes', async () => {
    const c = new HttpClient(panel.url);
    await c.login(user.email, TEST_PASSWORD);
    const wrongPassword = await c.post('/api/client/account/two-factor', { code: await code(), password: 'nope' });
    expect(wrongPassword.status).toBe(422);
    expect(wrongPassword.body.errors[0].meta.source_field).toBe('password');
    const wrongCode = await c.post('/api/client/account/two-factor', { code: '000000', password: TEST_PASSWORD });
    expect(wrongCode.status).toBe(422);
    expect(wrongCode.body.errors[0].meta.source_field).toBe('code');
    const ok = await c.post('/api/client/account/two-factor', { code: await code(), password: TEST_PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.object).toBe('recovery_tokens');
    recovery = ok.body.attributes.tokens;
    expect(new Set(recovery).size).toBe(10);
    expect((await c.get('/api/client/account')).body.attributes['2fa_enabled']).toBe(true);
    expect((await c.get('/api/client/account/two-factor')).status).toBe(400);
    const [rows] = await panel.app.pool.query('SELECT code_hash FROM recovery_codes WHERE user_id = ?', [user.id]);
    const hashes = (rows as Array<{ code_hash: string }>).map((r) => r.code_hash);
    expect(hashes).toHaveLength(10);
    for (const h of hashes) expect(h).toMatch(/^\$argon2id\$/);
  });
});

describe('signing in with two-factor', () => {
  it('stops after the password: the session is not signed in until the code', async () => {
    const { client } = await passwordStep();
    expect((await client.get('/api/client/account')).status).toBe(401);
  });

  it('refuses the code that enabled 2FA (its time step is used) and accepts the next one once', async () => {
    const first = await passwordStep();
    const replay = await first.client.post('/auth/login/checkpoint', { confirmation_token: first.token, authentication_code: await code() });
    expect(replay.status).toBe(401);
    nextStep();
    const fresh = await code();
    const ok = await first.client.post('/auth/login/checkpoint', { confirmation_token: first.token, authentication_code: fresh });
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ complete: true, user: { uuid: user.uuid, '2fa_enabled': true } });
    expect((await first.client.get('/api/client/account')).status).toBe(200);

    const second = await passwordStep();
    const again = await second.client.post('/auth/login/checkpoint', { confirmation_token: second.token, authentication_code: fresh });
    expect(again.status).toBe(401);
    expect(again.body.errors[0].detail).toBe('The two-factor authentication token provided is not valid.');
  });

  it('lets only one of two simultaneous sign-ins use the same code', async () => {
    const a = await passwordStep();
    const b = await passwordStep();
    nextStep();
    const same = await code();
    const results = await Promise.all([a, b].map((p) => p.client.post('/auth/login/checkpoint', { confirmation_token: p.token, authentication_code: same })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('needs the confirmation token of its own session, and exactly one of code or recovery token', async () => {
    const mine = await passwordStep();
    const other = await passwordStep();
    nextStep();
    expect((await mine.client.post('/auth/login/checkpoint', { confirmation_token: other.token, authentication_code: await code() })).status).toBe(401);
    const neither = await mine.client.post('/auth/login/checkpoint', { confirmation_token: mine.token });
    expect(neither.status).toBe(422);
    expect(neither.body.errors[0].meta.source_field).toBe('authentication_code');
  });

  it('expires the password step after 5 minutes', async () => {
    const { client, token } = await passwordStep();
    clock.advance(5 * 60_000 + 1_000);
    const res = await client.post('/auth/login/checkpoint', { confirmation_token: token, authentication_code: await code() });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].detail).toMatch(/expired/);
  });

  it('accepts a recovery code exactly once', async () => {
    const [rc, rc2] = recovery;
    const a = await passwordStep();
    expect((await a.client.post('/auth/login/checkpoint', { confirmation_token: a.token, recovery_token: rc })).status).toBe(200);
    const b = await passwordStep();
    expect((await b.client.post('/auth/login/checkpoint', { confirmation_token: b.token, recovery_token: rc })).status).toBe(401);
    expect((await b.client.post('/auth/login/checkpoint', { confirmation_token: b.token, recovery_token: rc2 })).status).toBe(200);
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?', [user.id]);
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(8);
  });

  it('disables only with the password; then the password alone signs in', async () => {
    const c = new HttpClient(panel.url);
    const step = await c.login(user.email, TEST_PASSWORD);
    nextStep();
    await c.post('/auth/login/checkpoint', { confirmation_token: step.body.data.confirmation_token, authentication_code: await code() });
    const wrong = await c.delete('/api/client/account/two-factor', { password: 'nope' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].meta.source_field).toBe('password');
    expect((await c.delete('/api/client/account/two-factor', { password: TEST_PASSWORD })).status).toBe(204);
    const plain = await new HttpClient(panel.url).login(user.email, TEST_PASSWORD);
    expect(plain.body.data.complete).toBe(true);
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ?', [user.id]);
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(0);
  });

  it('logged each step with IP and user agent', async () => {
    const events = (await activityOf(panel, user.id)).map((r) => r.event);
    for (const e of ['user:two-factor.create', 'auth:checkpoint', 'auth:recovery-token', 'auth:fail', 'user:two-factor.delete']) {
      expect(events).toContain(e);
    }
    const rows = await activityOf(panel, user.id);
    expect(rows.find((r) => r.event === 'auth:checkpoint')?.ip).toBe('127.0.0.1');
  });
});
