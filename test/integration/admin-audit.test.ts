import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateUsablePair } from '@bridge/sftp/host-key';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeUser } from '../factories/records';
import { makeAdmin, signedIn } from './admin-support';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel(); });
afterAll(async () => { await panel?.close(); });

describe('audit log', () => {
  it('records actor, IP, user agent and a structured diff; filters; exports CSV and JSON', async () => {
    const actor = await makeAdmin(panel);
    const admin = await signedIn(panel, actor, 'audit-agent/1.0');
    const target = await makeUser(panel.app.db);
    await admin.request('PATCH', `/api/application/users/${target.id}`, { username: 'renamed_for_audit', require_two_factor: true });
    const page = await admin.get(`/api/application/audit?filter[event]=user.update&filter[actor]=${actor.uuid}`);
    expect(page.status).toBe(200);
    expect(page.body.data[0].attributes).toMatchObject({
      event: 'admin:user.update', actor: { uuid: actor.uuid }, ip: '127.0.0.1', user_agent: 'audit-agent/1.0',
      properties: { user: target.uuid, old: { username: target.username, require_two_factor: false }, new: { username: 'renamed_for_audit', require_two_factor: true } },
    });
    expect(Object.keys(page.body.data[0].attributes.properties.new).sort()).toEqual(['require_two_factor', 'username']);
    const csv = await admin.get('/api/application/audit?format=csv&filter[event]=user.update');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('id,timestamp,event,actor,actor_email,impersonator,is_api,ip,user_agent,properties');
    expect(csv.text).toContain('renamed_for_audit');
    const json = await admin.get('/api/application/audit?format=json');
    expect(Array.isArray(json.body)).toBe(true);
    expect(json.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.json"/);
  });
});

describe('application keys', () => {
  it('a ptla_ key acts with its owner\'s admin permissions, narrowed by its own list; ptlc_ keys are refused', async () => {
    const owner = await makeAdmin(panel, ['users.view', 'servers.view', 'api-keys.manage']);
    const session = await signedIn(panel, owner);
    const scoped = await session.post('/api/application/api-keys', { description: 'ci', permissions: ['servers.view'] });
    expect(scoped.status).toBe(201);
    const token = scoped.body.meta.secret_token as string;
    expect(token).toMatch(/^ptla_[A-Za-z0-9]{48}$/);
    const key = new HttpClient(panel.url).withApiKey(token);
    expect((await key.get('/api/application/servers')).status).toBe(200);
    expect((await key.get('/api/application/users')).status).toBe(403);
    expect((await key.get('/api/client')).status).toBe(401); // an application key is not a client key
    expect((await session.post('/api/application/api-keys', { description: 'x', permissions: ['users.delete'] })).status).toBe(403);
    const client = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, owner));
    expect((await client.get('/api/application/servers')).status).toBe(401);
    // The client key list does not show application keys.
    const listed = (await session.get('/api/client/account/api-keys')).body.data.map((k: { attributes: { identifier: string } }) => k.attributes.identifier);
    expect(listed).toHaveLength(1);
    expect(listed).not.toContain(scoped.body.attributes.identifier);
  });

  it('servers in Pterodactyl\'s application shape; suspend and build limits', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['servers.view', 'servers.suspend', 'servers.update']));
    const server = await makeServer(panel.app.db, await makeUser(panel.app.db));
    const one = await admin.get(`/api/application/servers/${server.id}`);
    expect(one.body).toMatchObject({ object: 'server', attributes: { id: server.id, uuid: server.uuid, identifier: server.identifier, suspended: false } });
    expect((await admin.post(`/api/application/servers/${server.id}/suspend`)).status).toBe(204);
    expect((await admin.get(`/api/application/servers/${server.id}`)).body.attributes.suspended).toBe(true);
    const build = await admin.request('PATCH', `/api/application/servers/${server.id}/build`, { feature_limits: { backups: 0, databases: 2 } });
    expect(build.body.attributes.feature_limits).toMatchObject({ backups: 0, databases: 2 });
    const owner = await makeUser(panel.app.db);
    const made = await admin.post('/api/application/servers', { name: 'from admin', user: owner.id, startup: 'node x.mjs', feature_limits: { backups: 1 } });
    expect(made.status).toBe(403); // servers.create is not among this admin's keys
    const creator = await signedIn(panel, await makeAdmin(panel, ['servers.create']));
    const ok = await creator.post('/api/application/servers', { name: 'from admin', user: owner.id, startup: 'node x.mjs', feature_limits: { backups: 1 } });
    expect(ok.status).toBe(201);
    expect(ok.body.attributes).toMatchObject({ name: 'from admin', user: owner.id, feature_limits: { backups: 1 } });
    const missing = await creator.post('/api/application/servers', { name: 'x', user: 999999999, startup: 'node x.mjs' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors[0].meta.source_field).toBe('user');
  });
});

describe('SSH keys', () => {
  it('lists every key with owner and fingerprint, groups duplicates, searches by fingerprint, adds and deletes for a user', async () => {
    const admin = await signedIn(panel, await makeAdmin(panel, ['ssh-keys.*']));
    const a = await makeUser(panel.app.db);
    const b = await makeUser(panel.app.db);
    const pair = generateUsablePair().public;
    const first = await admin.post('/api/application/ssh-keys', { user: a.id, name: 'laptop', public_key: pair });
    expect(first.status).toBe(201);
    expect((await admin.post('/api/application/ssh-keys', { user: a.id, name: 'again', public_key: pair })).status).toBe(422);
    expect((await admin.post('/api/application/ssh-keys', { user: b.id, name: 'shared', public_key: pair })).status).toBe(201);
    const fp = first.body.attributes.fingerprint as string;
    const found = await admin.get(`/api/application/ssh-keys?filter[fingerprint]=${encodeURIComponent(fp)}`);
    expect(found.body.data.map((k: { attributes: { owner: { uuid: string }; duplicates: number } }) => [k.attributes.owner.uuid, k.attributes.duplicates]).sort())
      .toEqual([[a.uuid, 2], [b.uuid, 2]].sort());
    expect((await admin.delete(`/api/application/ssh-keys/${first.body.attributes.id}`)).status).toBe(204);
    const after = await admin.get(`/api/application/ssh-keys?filter[fingerprint]=${encodeURIComponent(fp)}`);
    expect(after.body.data).toHaveLength(1);
    expect(after.body.data[0].attributes.duplicates).toBe(1);
  });
});
