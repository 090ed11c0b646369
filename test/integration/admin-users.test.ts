import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import { generateUsablePair } from '@bridge/sftp/host-key';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { auditEvents, makeAdmin, signedIn } from './admin-support';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000', RUNNER_TICK_MS: '200' } }); });
afterAll(async () => { await panel?.close(); });

describe('admin users', () => {
  it('lists in Pterodactyl\'s application shape, searches and filters', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['users.view']));
    const target = await makeUser(panel.app.db);
    const found = await admin.get(`/api/application/users?search=${encodeURIComponent(target.email)}`);
    expect(found.status).toBe(200);
    expect(found.body.meta.pagination.total).toBe(1);
    expect(found.body.data[0]).toMatchObject({ object: 'user', attributes: { id: target.id, uuid: target.uuid, email: target.email, root_admin: false, '2fa': false } });
    const admins = await admin.get('/api/application/users?filter[admin]=true&per_page=100');
    expect(admins.body.data.every((u: { attributes: { root_admin: boolean } }) => u.attributes.root_admin)).toBe(true);
  });

  it('creates with a generated temporary password shown once; promoting needs a super-admin', async () => {
    const support = await signedIn(panel, await makeAdmin(panel, ['users.create']));
    const made = await support.post('/api/application/users', { email: 'temp-pass@example.com', username: 'temp_pass' });
    expect(made.status).toBe(201);
    const password = made.body.meta.temporary_password as string;
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await new HttpClient(panel.url).login('temp-pass@example.com', password)).status).toBe(200);
    expect((await support.post('/api/application/users', { email: 'promo@example.com', username: 'promo', root_admin: true })).status).toBe(403);
    const bad = await support.post('/api/application/users', { email: 'not-an-email', username: 'x' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta.source_field).toBe('email');
  });

  it('suspends: the session and API keys stop at once, sign-in says so, sockets and SFTP are revoked', async () => {
    const admin = await makeAdmin(panel, ['users.suspend']);
    const client = await signedIn(panel, admin);
    const target = await makeUser(panel.app.db);
    const session = await signedIn(panel, target);
    const keyed = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, target));
    const seen: unknown[] = [];
    const off = panel.app.bus.subscribe((r) => { seen.push(r); });
    expect((await client.post(`/api/application/users/${target.id}/suspend`)).status).toBe(204);
    off();
    expect(seen).toContainEqual({ userUuid: target.uuid, serverUuid: null });
    expect((await session.get('/api/client/account')).status).toBe(401);
    expect((await keyed.get('/api/client/account')).body.errors[0].detail).toBe('Your account has been suspended.');
    const signIn = await new HttpClient(panel.url).login(target.email, TEST_PASSWORD);
    expect(signIn.status).toBe(403);
    expect(signIn.body.errors[0].detail).toBe('Your account has been suspended.');
    expect((await client.post(`/api/application/users/${admin.id}/suspend`)).status).toBe(403); // never oneself
    const events = (await auditEvents(panel)).filter((e) => e.event === 'admin:user.suspend');
    expect(events.at(-1)).toMatchObject({ actor_id: admin.id, properties: { user: target.uuid, old: { suspended: false }, new: { suspended: true } } });
  });

  it('soft-deletes: hidden and signed out at once, servers cleaned up by a runner job on the Tasks page', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['users.view', 'users.delete', 'tasks.view']));
    const target = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, target);
    const root = serverRoot(panel.dataDir, server.uuid);
    mkdirSync(root, { recursive: true });
    writeFileSync(path.join(root, 'world.dat'), 'data');
    const session = await signedIn(panel, target);
    const res = await admin.delete(`/api/application/users/${target.id}`);
    expect(res.status).toBe(202);
    expect(res.body.attributes.jobs).toHaveLength(1);
    expect((await session.get('/api/client/account')).status).toBe(401);
    expect((await new HttpClient(panel.url).login(target.email, TEST_PASSWORD)).status).toBe(401);
    const list = await admin.get(`/api/application/users?search=${encodeURIComponent(target.email)}`);
    expect(list.body.data).toEqual([]);
    await vi.waitFor(async () => {
      const tasks = await admin.get('/api/application/tasks?filter[kind]=server.cleanup');
      const job = tasks.body.data.find((t: { attributes: { id: number } }) => t.attributes.id === res.body.attributes.jobs[0]);
      expect(job?.attributes.status).toBe('done');
    }, { timeout: 60_000, interval: 200 });
    const [rows] = await panel.app.pool.query('SELECT suspended FROM servers WHERE id = ?', [server.id]);
    expect(rows).toEqual([{ suspended: 1 }]);
    expect(readdirSync(root)).toEqual([]);
  });

  it('impersonates a customer with dual attribution and audit entries; refuses admins', async () => {
    const adminUser = await makeAdmin(panel, ['users.impersonate']);
    const admin = await signedIn(panel, adminUser, 'impersonation-agent');
    const otherAdmin = await makeAdmin(panel, ['users.view']);
    expect((await admin.post(`/api/application/users/${otherAdmin.id}/impersonate`)).status).toBe(403);
    const target = await makeUser(panel.app.db);
    expect((await admin.post(`/api/application/users/${target.id}/impersonate`)).status).toBe(204);
    await admin.get('/api/client');
    const me = await admin.get('/api/client/account');
    expect(me.body.attributes.uuid).toBe(target.uuid);
    const banner = await admin.get('/api/client/account/admin');
    expect(banner.body.attributes.impersonator).toMatchObject({ uuid: adminUser.uuid });
    // Acting as the customer: the activity row names both.
    expect((await admin.post('/api/client/account/ssh-keys', { name: 'x', public_key: generateUsablePair().public })).status).toBe(200);
    const [rows] = await panel.app.pool.query("SELECT actor_id, impersonator_id FROM activity_logs WHERE event = 'user:ssh-key.create' AND actor_id = ?", [target.id]);
    expect(rows).toEqual([{ actor_id: target.id, impersonator_id: adminUser.id }]);
    // The server's own activity log shows both to its readers.
    const server = await makeServer(panel.app.db, target);
    expect((await admin.post(`/api/client/servers/${server.identifier}/settings/rename`, { name: 'renamed while impersonated' })).status).toBe(204);
    const log = await admin.get(`/api/client/servers/${server.identifier}/activity`);
    expect(log.body.data[0].attributes).toMatchObject({
      event: 'server:settings.rename',
      relationships: { actor: { attributes: { uuid: target.uuid } }, impersonator: { attributes: { uuid: adminUser.uuid } } },
    });
    // The admin area is closed while acting as the customer.
    expect((await admin.post(`/api/application/users/${target.id}/impersonate`)).status).toBe(403);
    const stop = await admin.post('/api/client/account/impersonation/stop');
    expect(stop.status).toBe(200);
    expect((await admin.get('/api/client/account')).body.attributes.uuid).toBe(adminUser.uuid);
    const events = (await auditEvents(panel)).filter((e) => e.event.startsWith('admin:user.impersonate'));
    expect(events.slice(-2).map((e) => [e.event, e.actor_id])).toEqual([
      ['admin:user.impersonate.start', adminUser.id], ['admin:user.impersonate.stop', adminUser.id],
    ]);
  });

  it('enforces and resets two-factor authentication', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['users.update']));
    const target = await makeUser(panel.app.db);
    const session = await signedIn(panel, target);
    expect((await admin.request('PATCH', `/api/application/users/${target.id}`, { require_two_factor: true })).status).toBe(200);
    const blocked = await session.get('/api/client');
    expect(blocked.status).toBe(403);
    expect((await admin.post(`/api/application/users/${target.id}/two-factor/reset`)).status).toBe(400); // no TOTP on
    await panel.app.pool.query('UPDATE users SET totp_enabled = 1, totp_secret = ? WHERE id = ?', ['x', target.id]);
    expect((await admin.post(`/api/application/users/${target.id}/two-factor/reset`)).status).toBe(204);
    const [rows] = await panel.app.pool.query('SELECT totp_enabled, totp_secret FROM users WHERE id = ?', [target.id]);
    expect(rows).toEqual([{ totp_enabled: 0, totp_secret: null }]);
  });
});
