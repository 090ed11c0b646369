import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setServerRequireTwoFactor } from '@db/repositories/two-factor-policy';
import { findUserByExternalId } from '@db/repositories/users';
import { trustedHeaderIdentity } from '@server/embed';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { activityOf, manualClock } from './account-support';
import { rawRequest } from './identity-support';

const SECRET = 'host-proxy-shared-secret-0123456789abcdef';
const PROXY = '127.0.0.2';
const clock = manualClock();
let panel: TestPanel;
beforeAll(async () => {
  panel = await startTestPanel({ clock, adapters: { identity: trustedHeaderIdentity({ secret: SECRET, allowFrom: [`${PROXY}/32`] }) } });
});
afterAll(async () => { await panel?.close(); });

let n = 0;
function person(overrides: Record<string, string> = {}) {
  n += 1;
  return { 'x-cohost-user-id': `host-${n}`, 'x-cohost-user-email': `host${n}@host.example`, 'x-cohost-user-name': `Host Person ${n}`, ...overrides };
}
const asProxy = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  rawRequest(panel.url, method, path, { from: PROXY, headers: { 'x-cohost-proxy-secret': SECRET, ...headers }, body });

describe('trusted proxy header identity', () => {
  it('links the host\'s user on first sight: an account with no password, logged once', async () => {
    const who = person({ 'x-cohost-user-name': encodeURIComponent('Zoë Host') });
    const res = await asProxy('GET', '/api/client/account', who);
    expect(res.status).toBe(200);
    expect(res.body.attributes.email).toBe(who['x-cohost-user-email']);
    const user = await findUserByExternalId(panel.app.db, who['x-cohost-user-id']);
    expect(user?.password).toBeNull();
    expect(user?.username).toBe('Zo.Host');
    expect(user?.rootAdmin).toBe(false);
    expect((await asProxy('GET', '/api/client/account', who)).status).toBe(200);
    const events = (await activityOf(panel, user!.id)).map((a) => a.event);
    expect(events).toEqual(['user:account.external-link']);
  });

  it('refuses identity headers without the secret, with a wrong one, or from an address not on the list', async () => {
    const who = person();
    const noSecret = await rawRequest(panel.url, 'GET', '/api/client/account', { from: PROXY, headers: who });
    expect(noSecret.status).toBe(401);
    expect(noSecret.body.errors[0].detail).toMatch(/proxy secret/);
    const wrong = await asProxy('GET', '/api/client/account', { ...who, 'x-cohost-proxy-secret': `${SECRET}x` });
    expect(wrong.status).toBe(401);
    const elsewhere = await rawRequest(panel.url, 'GET', '/api/client/account', { from: '127.0.0.1', headers: { 'x-cohost-proxy-secret': SECRET, ...who } });
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.errors[0].detail).toMatch(/address/);
    // X-Forwarded-For is no way around the list: the peer address is what counts.
    const forwarded = await rawRequest(panel.url, 'GET', '/api/client/account', { from: '127.0.0.1', headers: { 'x-cohost-proxy-secret': SECRET, 'x-forwarded-for': PROXY, ...who } });
    expect(forwarded.status).toBe(401);
    expect(await findUserByExternalId(panel.app.db, who['x-cohost-user-id'])).toBeNull();
  });

  it('refuses an identity the host left incomplete, naming what is missing', async () => {
    const res = await asProxy('GET', '/api/client/account', person({ 'x-cohost-user-email': 'not-an-email' }));
    expect(res.status).toBe(401);
    expect(res.body.errors[0].detail).toMatch(/email/);
  });

  it('leaves Cohost\'s own accounts working when no identity header is sent', async () => {
    const own = await makeUser(panel.app.db);
    const c = new HttpClient(panel.url);
    expect((await c.login(own.email, TEST_PASSWORD)).status).toBe(200);
    expect((await c.get('/api/client/account')).body.attributes.email).toBe(own.email);
    expect((await rawRequest(panel.url, 'GET', '/api/client/account')).status).toBe(401);
  });

  it('never links an active Cohost account by email alone (409)', async () => {
    const own = await makeUser(panel.app.db);
    const res = await asProxy('GET', '/api/client/account', person({ 'x-cohost-user-email': own.email }));
    expect(res.status).toBe(409);
    expect(res.body.errors[0].meta.source_field).toBe('email');
  });

  it('links a pending invite account by its email and makes its invitations active', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const c = new HttpClient(panel.url);
    await c.login(owner.email, TEST_PASSWORD);
    const who = person();
    const invited = await c.post(`/api/client/servers/${server.uuid}/users`, { email: who['x-cohost-user-email'], permissions: ['control.console'] });
    expect(invited.body.attributes.status).toBe('invited');
    const res = await asProxy('GET', `/api/client/servers/${server.uuid}`, who);
    expect(res.status).toBe(200);
    expect(res.body.meta.user_permissions).toContain('control.console');
    const users = await c.get(`/api/client/servers/${server.uuid}/users`);
    expect(users.body.data[0].attributes.status).toBe('active');
    const user = await findUserByExternalId(panel.app.db, who['x-cohost-user-id']);
    expect((await activityOf(panel, user!.id)).map((a) => a.event)).toEqual(['user:account.external-link', 'server:invite.accept']);
  });

  it('follows the host\'s admin flag and email, logging each change', async () => {
    const who = person({ 'x-cohost-user-admin': 'true' });
    await asProxy('GET', '/api/client/account', who);
    const id = who['x-cohost-user-id'];
    expect((await findUserByExternalId(panel.app.db, id))?.rootAdmin).toBe(true);
    await asProxy('GET', '/api/client/account', { ...who, 'x-cohost-user-admin': 'false', 'x-cohost-user-email': `moved-${who['x-cohost-user-email']}` });
    const after = await findUserByExternalId(panel.app.db, id);
    expect(after?.rootAdmin).toBe(false);
    expect(after?.email).toBe(`moved-${who['x-cohost-user-email']}`);
    const sync = (await activityOf(panel, after!.id)).filter((a) => a.event === 'user:account.external-sync');
    expect(sync).toHaveLength(1);
    expect(sync[0]?.properties).toMatchObject({ via: 'trusted-header', root_admin: false });
  });

  it('gives a linked subuser a websocket token, and applies the server\'s 2FA policy until they enrol (no password asked)', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const who = person();
    await asProxy('GET', '/api/client/account', who);
    const user = (await findUserByExternalId(panel.app.db, who['x-cohost-user-id']))!;
    await makeSubuser(panel.app.db, server, user, ['control.console']);
    const token = await asProxy('GET', `/api/client/servers/${server.uuid}/websocket`, who);
    expect(token.status).toBe(200);
    expect(typeof token.body.data.token).toBe('string');

    await setServerRequireTwoFactor(panel.app.db, server.id, true, clock.now());
    const blocked = await asProxy('GET', `/api/client/servers/${server.uuid}/websocket`, who);
    expect(blocked.status).toBe(403);
    expect(blocked.body.errors[0].code).toBe('TwoFactorRequired');

    const setup = await asProxy('GET', '/api/client/account/two-factor', who);
    expect(setup.status).toBe(200);
    const code = await generate({ secret: setup.body.data.secret, epoch: Math.floor(clock.now().getTime() / 1000) });
    const enabled = await asProxy('POST', '/api/client/account/two-factor', who, { code });
    expect(enabled.status).toBe(200);
    expect(enabled.body.attributes.tokens).toHaveLength(10);
    expect((await asProxy('GET', `/api/client/servers/${server.uuid}/websocket`, who)).status).toBe(200);
  });

  it('still asks a password account for its password to enable 2FA', async () => {
    const own = await makeUser(panel.app.db);
    const c = new HttpClient(panel.url);
    await c.login(own.email, TEST_PASSWORD);
    const setup = await c.get('/api/client/account/two-factor');
    const res = await c.post('/api/client/account/two-factor', { code: await generate({ secret: setup.body.data.secret, epoch: Math.floor(clock.now().getTime() / 1000) }) });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].meta).toEqual({ source_field: 'password', rule: 'required' });
  });
});
