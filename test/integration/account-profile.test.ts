import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Revocation } from '@bridge/bus';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeUser, TEST_PASSWORD } from '../factories/records';
import { activityOf } from './account-support';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000' } }); });
afterAll(async () => { await panel?.close(); });

async function signedIn(email: string, password = TEST_PASSWORD): Promise<HttpClient> {
  const c = new HttpClient(panel.url, undefined, { 'user-agent': 'account-profile-test' });
  expect((await c.login(email, password)).status).toBe(200);
  return c;
}

describe('account details', () => {
  it('answers Pterodactyl\'s user item, by session or API key', async () => {
    const user = await makeUser(panel.app.db, { rootAdmin: true });
    const res = await (await signedIn(user.email)).get('/api/client/account');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      object: 'user',
      attributes: expect.objectContaining({
        id: user.id, uuid: user.uuid, username: user.username, email: user.email, admin: true, root_admin: true,
        language: 'en', '2fa_enabled': false, first_name: expect.any(String), last_name: expect.any(String),
      }),
    });
    const keyed = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    expect((await keyed.get('/api/client/account')).body).toEqual(res.body);
    expect((await new HttpClient(panel.url).get('/api/client/account')).status).toBe(401);
  });
});

describe('changing the email', () => {
  it('needs the current password, a valid address and a free one', async () => {
    const user = await makeUser(panel.app.db);
    const taken = await makeUser(panel.app.db);
    const c = await signedIn(user.email);
    const wrong = await c.put('/api/client/account/email', { email: 'new-address@example.com', password: 'nope' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].meta.source_field).toBe('password');
    const invalid = await c.put('/api/client/account/email', { email: 'not-an-email', password: TEST_PASSWORD });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].meta.source_field).toBe('email');
    const dup = await c.put('/api/client/account/email', { email: taken.email.toUpperCase(), password: TEST_PASSWORD });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0]).toMatchObject({ meta: { source_field: 'email', rule: 'unique' } });
    expect((await c.get('/api/client/account')).body.attributes.email).toBe(user.email);

    const fresh = `Changed-${user.uuid.slice(0, 8)}@Example.com`;
    expect((await c.put('/api/client/account/email', { email: fresh, password: TEST_PASSWORD })).status).toBe(204);
    expect((await c.get('/api/client/account')).body.attributes.email).toBe(fresh.toLowerCase());
    await signedIn(fresh.toLowerCase());
    const rows = (await activityOf(panel, user.id)).filter((r) => r.event === 'user:account.email-changed');
    expect(rows).toEqual([expect.objectContaining({
      ip: '127.0.0.1', user_agent: 'account-profile-test', properties: { old: user.email, new: fresh.toLowerCase() },
    })]);
  });
});

describe('changing the password', () => {
  it('needs the current password and a matching confirmation', async () => {
    const user = await makeUser(panel.app.db);
    const c = await signedIn(user.email);
    const wrong = await c.put('/api/client/account/password', { current_password: 'nope', password: 'another secret 1', password_confirmation: 'another secret 1' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].meta.source_field).toBe('current_password');
    const mismatch = await c.put('/api/client/account/password', { current_password: TEST_PASSWORD, password: 'another secret 1', password_confirmation: 'another secret 2' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.errors[0].meta.source_field).toBe('password_confirmation');
    const short = await c.put('/api/client/account/password', { current_password: TEST_PASSWORD, password: 'short', password_confirmation: 'short' });
    expect(short.status).toBe(422);
    expect(short.body.errors[0].meta.source_field).toBe('password');
  });

  it('ends every other session but keeps the one that changed it, and publishes a revocation', async () => {
    const user = await makeUser(panel.app.db);
    const here = await signedIn(user.email);
    const elsewhere = await signedIn(user.email);
    const keyed = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    const seen: Revocation[] = [];
    const off = panel.app.bus.subscribe((r) => { seen.push(r); });
    const res = await here.put('/api/client/account/password', { current_password: TEST_PASSWORD, password: 'a brand new secret', password_confirmation: 'a brand new secret' });
    off();
    expect(res.status).toBe(204);
    expect(seen).toEqual([{ userUuid: user.uuid, serverUuid: null }]);
    expect((await here.get('/api/client/account')).status).toBe(200);
    // The surviving session can still write (its CSRF token and epoch are intact).
    expect((await here.post('/api/client/account/ssh-keys/remove', { fingerprint: 'SHA256:none' })).status).toBe(204);
    expect((await elsewhere.get('/api/client/account')).status).toBe(401);
    expect((await keyed.get('/api/client/account')).status).toBe(200);
    expect((await new HttpClient(panel.url).login(user.email, TEST_PASSWORD)).status).toBe(401);
    await signedIn(user.email, 'a brand new secret');
    expect((await activityOf(panel, user.id)).map((r) => r.event)).toContain('user:account.password-changed');
  });
});
