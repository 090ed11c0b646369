import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { SoftAuthenticator } from '../factories/passkeys-authenticator';
import { makeServer, makeSubuser, TEST_PASSWORD } from '../factories/records';
import { quickUser } from './passkeys-support';
import { activityOf } from './account-support';

/** Passkeys over real HTTP, judged by @simplewebauthn/server, with a software authenticator (DESIGN §22). */
const ORIGIN = 'http://localhost:8080';
let panel: TestPanel;
beforeAll(async () => {
  panel = await startTestPanel({ env: { APP_URL: ORIGIN, LOGIN_RATE_LIMIT: '1000' } });
});
afterAll(async () => { await panel?.close(); });

async function signedIn(user: UserRow): Promise<HttpClient> {
  const c = new HttpClient(panel.url);
  const res = await c.login(user.email, TEST_PASSWORD);
  expect(res.body.data.complete).toBe(true);
  return c;
}

/** Enrols a passkey through the routes; returns its uuid. */
async function enrol(c: HttpClient, auth: SoftAuthenticator, name = 'YubiKey'): Promise<string> {
  const options = await c.post('/api/client/account/passkeys/options', { password: TEST_PASSWORD });
  expect(options.status).toBe(200);
  const created = await c.post('/api/client/account/passkeys', { name, credential: auth.register(options.body.data.options) });
  expect(created.status, created.text).toBe(200);
  return created.body.attributes.uuid as string;
}

async function passwordless(c: HttpClient, auth: SoftAuthenticator, tamper?: (a: ReturnType<SoftAuthenticator['assert']>) => void) {
  await c.get('/api/health');
  const options = await c.post('/auth/passkey/options');
  expect(options.status).toBe(200);
  expect(options.body.data.options.allowCredentials ?? []).toEqual([]);
  expect(options.body.data.options.userVerification).toBe('required');
  const assertion = auth.assert(options.body.data.options);
  tamper?.(assertion);
  return c.post('/auth/passkey', { credential: assertion });
}

describe('passkey enrolment', () => {
  it('needs the password, binds the passkey to APP_URL, lists, renames and logs it', async () => {
    const user = await quickUser(panel.app.db);
    const c = await signedIn(user);
    const empty = await c.get('/api/client/account/passkeys');
    expect(empty.body).toMatchObject({ object: 'list', data: [], meta: { enabled: true, rp_id: 'localhost' } });
    const wrong = await c.post('/api/client/account/passkeys/options', { password: 'nope' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].meta.source_field).toBe('password');

    const options = await c.post('/api/client/account/passkeys/options', { password: TEST_PASSWORD });
    expect(options.body.data.options.rp).toEqual({ name: 'Cohost', id: 'localhost' });
    expect(options.body.data.options.authenticatorSelection.residentKey).toBe('preferred');
    const auth = new SoftAuthenticator(ORIGIN);
    const response = auth.register(options.body.data.options);
    const created = await c.post('/api/client/account/passkeys', { name: 'YubiKey', credential: response });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: 'passkey', attributes: { name: 'YubiKey', device_type: 'singleDevice', last_used_at: null } });
    // The challenge was used: the same answer again is refused.
    const replay = await c.post('/api/client/account/passkeys', { name: 'again', credential: response });
    expect(replay.status).toBe(422);
    expect(replay.body.errors[0].meta).toEqual({ source_field: 'credential', rule: 'challenge' });

    const uuid = created.body.attributes.uuid as string;
    const renamed = await c.put(`/api/client/account/passkeys/${uuid}`, { name: 'Blue key' });
    expect(renamed.body.attributes.name).toBe('Blue key');
    const listed = await c.get('/api/client/account/passkeys');
    expect(listed.body.data.map((p: { attributes: { name: string } }) => p.attributes.name)).toEqual(['Blue key']);
    expect((await c.get('/api/client/account')).body.attributes.passkeys).toBe(1);
    const events = (await activityOf(panel, user.id)).map((a) => a.event);
    expect(events).toEqual(expect.arrayContaining(['auth:passkey.create', 'auth:passkey.update']));
  });

  it('refuses an answer signed for another origin, and an API key', async () => {
    const user = await quickUser(panel.app.db);
    const c = await signedIn(user);
    const options = await c.post('/api/client/account/passkeys/options', { password: TEST_PASSWORD });
    const evil = new SoftAuthenticator('http://localhost:9999').register(options.body.data.options);
    const res = await c.post('/api/client/account/passkeys', { name: 'evil', credential: evil });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].detail).toMatch(/origin/i);
    const key = await c.post('/api/client/account/api-keys', { description: 'k', allowed_ips: [] });
    const viaKey = await new HttpClient(panel.url).withApiKey(key.body.meta.secret_token).get('/api/client/account/passkeys');
    expect(viaKey.status).toBe(403);
  });
});

describe('signing in with a passkey', () => {
  it('as the second factor after the password, with its counter stored', async () => {
    const user = await quickUser(panel.app.db);
    const auth = new SoftAuthenticator(ORIGIN);
    await enrol(await signedIn(user), auth);
    const c = new HttpClient(panel.url);
    const step = await c.login(user.email, TEST_PASSWORD);
    expect(step.body.data).toMatchObject({ complete: false, methods: ['passkey'] });
    const token = step.body.data.confirmation_token as string;
    const options = await c.post('/auth/login/checkpoint/passkey', { confirmation_token: token });
    expect(options.body.data.options.allowCredentials).toHaveLength(1);
    const done = await c.post('/auth/login/checkpoint', { confirmation_token: token, passkey: auth.assert(options.body.data.options) });
    expect(done.status, done.text).toBe(200);
    expect(done.body.data.complete).toBe(true);
    expect((await c.get('/api/client/account')).status).toBe(200);
    const [row] = await panel.app.pool.query('SELECT counter, last_used_at FROM passkeys WHERE user_id = ?', [user.id]) as unknown as [Array<{ counter: number; last_used_at: Date | null }>];
    expect(row[0]?.counter).toBe(1);
    expect(row[0]?.last_used_at).not.toBeNull();
    const use = (await activityOf(panel, user.id)).find((a) => a.event === 'auth:passkey.use');
    expect(use?.properties).toMatchObject({ mode: 'second-factor' });
  });

  it('refuses another account\'s passkey at the checkpoint', async () => {
    const [alice, mallory] = [await quickUser(panel.app.db), await quickUser(panel.app.db)];
    await enrol(await signedIn(alice), new SoftAuthenticator(ORIGIN));
    const malloryKey = new SoftAuthenticator(ORIGIN);
    await enrol(await signedIn(mallory), malloryKey);
    const c = new HttpClient(panel.url);
    const token = (await c.login(alice.email, TEST_PASSWORD)).body.data.confirmation_token as string;
    const options = (await c.post('/auth/login/checkpoint/passkey', { confirmation_token: token })).body.data.options;
    const res = await c.post('/auth/login/checkpoint', { confirmation_token: token, passkey: malloryKey.assert(options, malloryKey.credentials[0]) });
    expect(res.status).toBe(401);
    expect((await c.get('/api/client/account')).status).toBe(401);
  });

  it('passwordless with a discoverable passkey', async () => {
    const user = await quickUser(panel.app.db);
    const auth = new SoftAuthenticator(ORIGIN);
    await enrol(await signedIn(user), auth);
    const c = new HttpClient(panel.url);
    const res = await passwordless(c, auth);
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toMatchObject({ complete: true, user: { uuid: user.uuid } });
    expect((await c.get('/api/client/account')).body.attributes.email).toBe(user.email);
    const events = (await activityOf(panel, user.id)).map((a) => a.event);
    expect(events.slice(-2)).toEqual(['auth:passkey.use', 'auth:login']);
  });

  it('refuses a tampered signature, a swapped key, a counter that did not grow, and no user verification', async () => {
    const user = await quickUser(panel.app.db);
    const auth = new SoftAuthenticator(ORIGIN);
    await enrol(await signedIn(user), auth);
    const flip = (a: ReturnType<SoftAuthenticator['assert']>) => {
      const sig = Buffer.from(a.response.signature, 'base64url');
      sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 0x01;
      a.response.signature = sig.toString('base64url');
    };
    expect((await passwordless(new HttpClient(panel.url), auth, flip)).status).toBe(401);
    const credential = auth.credentials[0]!;
    const original = credential.privateKey;
    credential.privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect((await passwordless(new HttpClient(panel.url), auth)).status).toBe(401);
    credential.privateKey = original;
    expect((await passwordless(new HttpClient(panel.url), auth)).status).toBe(200);
    credential.counter -= 1; // a clone replaying the last counter value
    expect((await passwordless(new HttpClient(panel.url), auth)).status).toBe(401);
    credential.counter += 5;
    expect((await passwordless(new HttpClient(panel.url), auth)).status).toBe(200);
    const noUv = new SoftAuthenticator(ORIGIN, false);
    noUv.credentials.push(credential);
    expect((await passwordless(new HttpClient(panel.url), noUv)).status).toBe(401);
    const fails = (await activityOf(panel, user.id)).filter((a) => a.event === 'auth:fail');
    expect(fails).toHaveLength(4);
  });

  it('refuses a removed passkey; removal needs the password', async () => {
    const user = await quickUser(panel.app.db);
    const auth = new SoftAuthenticator(ORIGIN);
    const c = await signedIn(user);
    const uuid = await enrol(c, auth);
    expect((await c.delete(`/api/client/account/passkeys/${uuid}`, { password: 'nope' })).status).toBe(422);
    expect((await c.delete(`/api/client/account/passkeys/${uuid}`, { password: TEST_PASSWORD })).status).toBe(204);
    expect((await c.delete(`/api/client/account/passkeys/${uuid}`, { password: TEST_PASSWORD })).status).toBe(404);
    expect((await passwordless(new HttpClient(panel.url), auth)).status).toBe(401);
    // Without a passkey the password alone signs in again.
    expect((await new HttpClient(panel.url).login(user.email, TEST_PASSWORD)).body.data.complete).toBe(true);
    expect((await activityOf(panel, user.id)).map((a) => a.event)).toContain('auth:passkey.delete');
  });

  it('counts as the second factor a server\'s 2FA policy asks for', async () => {
    const owner = await quickUser(panel.app.db, { totpEnabled: true });
    const server = await makeServer(panel.app.db, owner, { requireTwoFactor: true });
    const member = await quickUser(panel.app.db);
    await makeSubuser(panel.app.db, server, member, ['control.console']);
    const c = await signedIn(member);
    const refused = await c.get(`/api/client/servers/${server.uuid}`);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe('TwoFactorRequired');
    await enrol(c, new SoftAuthenticator(ORIGIN));
    expect((await c.get(`/api/client/servers/${server.uuid}`)).status).toBe(200);
  });
});

describe('passkeys at an IP address', () => {
  it('are off with the reason when the panel is reached by IP and APP_URL is unset; the rest works', async () => {
    const byIp = await startTestPanel();
    try {
      const user = await quickUser(byIp.app.db);
      const c = new HttpClient(byIp.url);
      expect((await c.login(user.email, TEST_PASSWORD)).body.data.complete).toBe(true);
      const list = await c.get('/api/client/account/passkeys');
      expect(list.status).toBe(200);
      expect(list.body.meta.enabled).toBe(false);
      expect(list.body.meta.reason).toMatch(/IP address \(127\.0\.0\.1:\d+\).*domain name/);
      const options = await c.post('/api/client/account/passkeys/options', { password: TEST_PASSWORD });
      expect(options.status).toBe(501);
      expect(options.body.errors[0].code).toBe('PasskeysUnavailable');
      expect((await c.post('/auth/passkey/options')).status).toBe(501);
      expect((await c.get('/api/client/account')).status).toBe(200);
    } finally {
      await byIp.close();
    }
  });
});
