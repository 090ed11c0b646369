import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeUser, TEST_PASSWORD } from '../factories/records';
import { activityOf, cli, manualClock } from './account-support';

const clock = manualClock();
let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel({ clock, env: { LOGIN_RATE_LIMIT: '1000' } }); });
afterAll(async () => { await panel?.close(); });

async function signedIn(user: UserRow): Promise<HttpClient> {
  const c = new HttpClient(panel.url);
  expect((await c.login(user.email, TEST_PASSWORD)).status).toBe(200);
  return c;
}

async function createKey(c: HttpClient, body: Record<string, unknown> = {}): Promise<{ identifier: string; token: string }> {
  const res = await c.post('/api/client/account/api-keys', { description: 'test key', ...body });
  expect(res.status).toBe(200);
  return { identifier: res.body.attributes.identifier, token: res.body.meta.secret_token };
}

describe('API keys', () => {
  it('shows the secret once; the key then acts as its user', async () => {
    const user = await makeUser(panel.app.db);
    const c = await signedIn(user);
    const res = await c.post('/api/client/account/api-keys', { description: 'deploy script', allowed_ips: [] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'api_key', attributes: { description: 'deploy script', allowed_ips: [], last_used_at: null, expires_at: null } });
    const token: string = res.body.meta.secret_token;
    expect(token).toMatch(/^ptlc_[A-Za-z0-9]{48}$/);
    expect(token.slice(5, 21)).toBe(res.body.attributes.identifier);
    const listed = await c.get('/api/client/account/api-keys');
    expect(listed.body.object).toBe('list');
    expect(listed.body.data.map((k: { attributes: { identifier: string } }) => k.attributes.identifier)).toEqual([res.body.attributes.identifier]);
    expect(listed.text).not.toContain(token.slice(21));
    const keyed = new HttpClient(panel.url).withApiKey(token);
    expect((await keyed.get('/api/client/account')).body.attributes.uuid).toBe(user.uuid);
    expect((await c.get('/api/client/account/api-keys')).body.data[0].attributes.last_used_at).not.toBeNull();
    expect((await activityOf(panel, user.id)).map((r) => r.event)).toContain('user:api-key.create');
  });

  it('cannot list, create or delete keys with a key', async () => {
    const user = await makeUser(panel.app.db);
    const { identifier, token } = await createKey(await signedIn(user));
    const keyed = new HttpClient(panel.url).withApiKey(token);
    expect((await keyed.post('/api/client/account/api-keys', { description: 'minted by a key' })).status).toBe(403);
    expect((await keyed.get('/api/client/account/api-keys')).status).toBe(403);
    expect((await keyed.delete(`/api/client/account/api-keys/${identifier}`)).status).toBe(403);
  });

  it('refuses the 26th key', async () => {
    const user = await makeUser(panel.app.db);
    const c = await signedIn(user);
    for (let i = 0; i < 25; i++) await createKey(c, { description: `key ${i}` });
    const res = await c.post('/api/client/account/api-keys', { description: 'one too many' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].detail).toMatch(/limit/);
    expect((await c.get('/api/client/account/api-keys')).body.data).toHaveLength(25);
  });

  it('validates allowed IPs as addresses or CIDR ranges, naming the entry', async () => {
    const c = await signedIn(await makeUser(panel.app.db));
    const res = await c.post('/api/client/account/api-keys', { description: 'x', allowed_ips: ['10.0.0.0/8', '::1', 'not-an-ip'] });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].meta.source_field).toBe('allowed_ips.2');
    const ok = await c.post('/api/client/account/api-keys', { description: 'x', allowed_ips: ['10.0.0.0/8', '2001:db8::/32', '192.168.1.7'] });
    expect(ok.body.attributes.allowed_ips).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.168.1.7']);
  });

  it('refuses a call from an address outside the key\'s list with 403', async () => {
    const c = await signedIn(await makeUser(panel.app.db));
    const outside = await createKey(c, { allowed_ips: ['10.0.0.0/8'] });
    const inside = await createKey(c, { allowed_ips: ['127.0.0.0/8'] });
    const refused = await new HttpClient(panel.url).withApiKey(outside.token).get('/api/client/account');
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].status).toBe('403');
    expect((await new HttpClient(panel.url).withApiKey(inside.token).get('/api/client/account')).status).toBe(200);
  });

  it('refuses an expired key with 401, and an expiry in the past at creation with 422', async () => {
    const c = await signedIn(await makeUser(panel.app.db));
    const past = await c.post('/api/client/account/api-keys', { description: 'x', expires_at: new Date(clock.now().getTime() - 1000).toISOString() });
    expect(past.status).toBe(422);
    expect(past.body.errors[0].meta.source_field).toBe('expires_at');
    const { token } = await createKey(c, { expires_at: new Date(clock.now().getTime() + 3600_000).toISOString() });
    const keyed = new HttpClient(panel.url).withApiKey(token);
    expect((await keyed.get('/api/client/account')).status).toBe(200);
    clock.advance(2 * 3600_000);
    const expired = await keyed.get('/api/client/account');
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0].detail).toMatch(/expired/);
  });

  it('deletes only the user\'s own keys; a deleted key stops working', async () => {
    const user = await makeUser(panel.app.db);
    const c = await signedIn(user);
    const other = await signedIn(await makeUser(panel.app.db));
    const { identifier, token } = await createKey(c);
    expect((await other.delete(`/api/client/account/api-keys/${identifier}`)).status).toBe(404);
    expect((await new HttpClient(panel.url).withApiKey(token).get('/api/client/account')).status).toBe(200);
    expect((await c.delete(`/api/client/account/api-keys/${identifier}`)).status).toBe(204);
    expect((await c.delete(`/api/client/account/api-keys/${identifier}`)).status).toBe(404);
    expect((await new HttpClient(panel.url).withApiKey(token).get('/api/client/account')).status).toBe(401);
    const deleted = (await activityOf(panel, user.id)).find((r) => r.event === 'user:api-key.delete');
    expect(deleted?.properties).toEqual({ identifier });
  });
});

describe('api-key:create on the CLI', () => {
  it('prints a working key once, as one line of JSON', async () => {
    const user = await makeUser(panel.app.db);
    const out = await cli(panel, 'api-key:create', '--user', user.email, '--memo', 'backup robot');
    expect(out.code).toBe(0);
    expect(out.stdout.trim().split('\n')).toHaveLength(1);
    const printed = JSON.parse(out.stdout);
    expect(printed).toMatchObject({ user: user.email, description: 'backup robot' });
    expect(printed.token).toMatch(/^ptlc_/);
    const keyed = new HttpClient(panel.url).withApiKey(printed.token);
    expect((await keyed.get('/api/client/account')).body.attributes.uuid).toBe(user.uuid);
    const listed = await (await signedIn(user)).get('/api/client/account/api-keys');
    expect(listed.body.data[0].attributes).toMatchObject({ identifier: printed.identifier, description: 'backup robot' });
    expect(listed.text).not.toContain(printed.token.slice(21));
    const unknown = await cli(panel, 'api-key:create', '--user', 'nobody@example.com');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/No account exists/);
  });
});
