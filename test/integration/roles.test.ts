import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Revocation } from '@bridge/bus';
import { PRESETS } from '@contracts/presets';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

let panel: TestPanel;
const published: Revocation[] = [];
beforeAll(async () => {
  panel = await startTestPanel();
  panel.app.bus.subscribe((r) => { published.push(r); });
});
afterAll(async () => { await panel?.close(); });

async function signIn(user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(200);
  await client.get('/api/client');
  return client;
}

async function keysOf(server: ServerRow, user: UserRow): Promise<{ permissions: string[]; role_id: number | null; builtin_role: string | null }> {
  const [rows] = await panel.app.pool.query('SELECT permissions, role_id, builtin_role FROM subusers WHERE server_id = ? AND user_id = ?', [server.id, user.id]);
  const row = (rows as Array<{ permissions: string | string[]; role_id: number | null; builtin_role: string | null }>)[0];
  if (!row) throw new Error('no subuser row');
  const permissions = typeof row.permissions === 'string' ? JSON.parse(row.permissions) as string[] : row.permissions;
  return { permissions: [...permissions].sort(), role_id: row.role_id, builtin_role: row.builtin_role };
}

async function events(event: string): Promise<Array<{ server_id: number | null; properties: Record<string, unknown> }>> {
  const [rows] = await panel.app.pool.query('SELECT server_id, properties FROM activity_logs WHERE event = ? ORDER BY id', [event]);
  return (rows as Array<{ server_id: number | null; properties: string | Record<string, unknown> }>).map((r) => ({
    server_id: r.server_id, properties: typeof r.properties === 'string' ? JSON.parse(r.properties) as Record<string, unknown> : r.properties,
  }));
}

/** An owner with two servers and a friend who is a plain subuser on both. */
async function world() {
  const owner = await makeUser(panel.app.db);
  const a = await makeServer(panel.app.db, owner);
  const b = await makeServer(panel.app.db, owner);
  const friend = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, a, friend, []);
  await makeSubuser(panel.app.db, b, friend, []);
  return { owner, a, b, friend, o: await signIn(owner) };
}

const sorted = (keys: readonly string[]) => [...keys].sort();

describe('role CRUD', () => {
  it('creates a role with normalised keys, lists it after the built-ins, and logs role:create', async () => {
    const { owner, o } = await world();
    const res = await o.post('/api/client/roles', { name: 'Builders', description: 'build team', permissions: ['file.update', 'file.read', 'file.read', 'websocket.connect'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'role', attributes: { name: 'Builders', description: 'build team', permissions: ['file.read', 'file.update'], builtin: false, is_owner: true } });
    const list = await o.get('/api/client/roles');
    const ids = list.body.data.map((d: { attributes: { id: string } }) => d.attributes.id);
    expect(ids).toEqual(['viewer', 'moderator', 'operator', 'co-owner', res.body.attributes.id]);
    expect(list.body.data[0].attributes).toMatchObject({ builtin: true, permissions: [...PRESETS.viewer.keys] });
    const logged = (await events('role:create')).filter((e) => e.properties.role === res.body.attributes.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.server_id).toBeNull();
    expect(owner.id).toBeGreaterThan(0);
  });

  it('refuses unknown keys (422 listing them), a duplicate name (422 on name) and a missing name', async () => {
    const { o } = await world();
    const unknown = await o.post('/api/client/roles', { name: 'X', permissions: ['file.read', 'file.explode'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].meta).toMatchObject({ source_field: 'permissions', permissions: ['file.explode'] });
    expect((await o.post('/api/client/roles', { name: 'Twice', permissions: [] })).status).toBe(200);
    const dup = await o.post('/api/client/roles', { name: 'Twice', permissions: [] });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0].meta.source_field).toBe('name');
    const blank = await o.post('/api/client/roles', { name: '  ', permissions: [] });
    expect(blank.status).toBe(422);
    expect(blank.body.errors[0].meta.source_field).toBe('name');
  });

  it('hides a role from strangers (404) and refuses to change or delete a built-in (403)', async () => {
    const { o } = await world();
    const role = (await o.post('/api/client/roles', { name: 'Mine', permissions: ['file.read'] })).body.attributes.id as string;
    const stranger = await signIn(await makeUser(panel.app.db));
    expect((await stranger.get(`/api/client/roles/${role}`)).status).toBe(404);
    expect((await stranger.post(`/api/client/roles/${role}`, { name: 'Stolen', permissions: ['file.read'] })).status).toBe(404);
    expect((await stranger.delete(`/api/client/roles/${role}`)).status).toBe(404);
    expect((await o.get('/api/client/roles/viewer')).body.attributes).toMatchObject({ id: 'viewer', builtin: true });
    expect((await o.post('/api/client/roles/viewer', { name: 'Viewer', permissions: [] })).status).toBe(403);
    expect((await o.delete('/api/client/roles/operator')).status).toBe(403);
  });
});

describe('assigning roles', () => {
  it('links a subuser to a role with overrides; the item shows the role and the effective keys', async () => {
    const { a, friend, o } = await world();
    const role = (await o.post('/api/client/roles', { name: 'Files', permissions: ['file.read', 'file.update', 'control.console'] })).body.attributes.id as string;
    published.length = 0;
    const res = await o.put(`/api/client/servers/${a.identifier}/users/${friend.uuid}/role`, { role, overrides: { add: ['backup.read'], remove: ['control.console'] } });
    expect(res.status).toBe(200);
    expect(res.body.attributes).toMatchObject({
      role: { id: role, name: 'Files', builtin: false }, overrides: { add: ['backup.read'], remove: ['control.console'] },
      permissions: ['websocket.connect', 'file.read', 'file.update', 'backup.read'],
    });
    expect(published).toEqual([{ userUuid: friend.uuid, serverUuid: a.uuid }]);
    const listed = (await o.get(`/api/client/servers/${a.identifier}/users`)).body.data[0].attributes;
    expect(listed.role).toEqual({ id: role, name: 'Files', builtin: false });
    const logged = (await events('server:subuser.role')).filter((e) => e.server_id === a.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.properties).toMatchObject({ role, role_name: 'Files', added: ['backup.read', 'file.read', 'file.update'], revoked: [] });
  });

  it('creates a subuser straight into a built-in role, and explicit keys later replace the link', async () => {
    const { owner, o } = await world();
    const server = await makeServer(panel.app.db, owner);
    const newcomer = await makeUser(panel.app.db);
    const created = await o.post(`/api/client/servers/${server.identifier}/users`, { email: newcomer.email, role: 'moderator' });
    expect(created.status).toBe(200);
    expect(created.body.attributes.role).toEqual({ id: 'moderator', name: 'Moderator', builtin: true });
    expect(sorted(created.body.attributes.permissions)).toEqual(sorted(['websocket.connect', ...PRESETS.moderator.keys]));
    const both = await o.post(`/api/client/servers/${server.identifier}/users`, { email: 'x@example.com', role: 'viewer', permissions: [] });
    expect(both.status).toBe(422);
    expect(both.body.errors[0].meta.source_field).toBe('permissions');
    const explicit = await o.post(`/api/client/servers/${server.identifier}/users/${newcomer.uuid}`, { permissions: ['control.console'] });
    expect(explicit.status).toBe(200);
    expect(explicit.body.attributes.role).toBeNull();
    expect(await keysOf(server, newcomer)).toEqual({ permissions: ['control.console', 'websocket.connect'], role_id: null, builtin_role: null });
  });

  it("refuses another owner's role like an unknown one (422 on role) and unknown override keys (422)", async () => {
    const { a, friend, o } = await world();
    const other = await signIn(await makeUser(panel.app.db));
    const foreign = (await other.post('/api/client/roles', { name: 'Theirs', permissions: ['file.read'] })).body.attributes.id as string;
    const res = await o.put(`/api/client/servers/${a.identifier}/users/${friend.uuid}/role`, { role: foreign });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].meta.source_field).toBe('role');
    const bad = await o.put(`/api/client/servers/${a.identifier}/users/${friend.uuid}/role`, { role: 'viewer', overrides: { add: ['file.explode'] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta.permissions).toEqual(['file.explode']);
  });

  it('judges the role a manager assigns with the §4 update rule on that server', async () => {
    const { owner, a, friend, o } = await world();
    const manager = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, a, manager, ['user.read', 'user.update', 'file.read']);
    const role = (await o.post('/api/client/roles', { name: 'Wide', permissions: ['file.read', 'file.delete'] })).body.attributes.id as string;
    const m = await signIn(manager);
    // The manager sees the owner's roles for picking.
    const seen = (await m.get('/api/client/roles')).body.data.map((d: { attributes: { id: string } }) => d.attributes.id);
    expect(seen).toContain(role);
    const before = await keysOf(a, friend);
    const denied = await m.put(`/api/client/servers/${a.identifier}/users/${friend.uuid}/role`, { role });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].meta.permissions).toEqual(['file.delete']);
    expect(await keysOf(a, friend)).toEqual(before);
    const narrowed = await m.put(`/api/client/servers/${a.identifier}/users/${friend.uuid}/role`, { role, overrides: { remove: ['file.delete'] } });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.attributes.permissions).toEqual(['websocket.connect', 'file.read']);
    expect(owner.id).toBeGreaterThan(0);
  });
});

describe('live link', () => {
  it('re-applies an edited role to every linked subuser in one go and revokes per user and server', async () => {
    const { owner, a, b, friend, o } = await world();
    const other = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, a, other, []);
    const role = (await o.post('/api/client/roles', { name: 'Crew', permissions: ['control.console'] })).body.attributes.id as string;
    for (const [server, user, overrides] of [[a, friend, { add: ['file.read'] }], [b, friend, {}], [a, other, { remove: ['control.start'] }]] as const) {
      expect((await o.put(`/api/client/servers/${server.identifier}/users/${user.uuid}/role`, { role, overrides })).status).toBe(200);
    }
    published.length = 0;
    const edited = await o.post(`/api/client/roles/${role}`, { name: 'Crew', permissions: ['control.console', 'control.start'] });
    expect(edited.status).toBe(200);
    expect((await keysOf(a, friend)).permissions).toEqual(sorted(['websocket.connect', 'control.console', 'control.start', 'file.read']));
    expect((await keysOf(b, friend)).permissions).toEqual(sorted(['websocket.connect', 'control.console', 'control.start']));
    // The override removing control.start keeps it away from this subuser: nothing changed, nothing revoked.
    expect((await keysOf(a, other)).permissions).toEqual(sorted(['websocket.connect', 'control.console']));
    expect(published).toEqual(expect.arrayContaining([{ userUuid: friend.uuid, serverUuid: a.uuid }, { userUuid: friend.uuid, serverUuid: b.uuid }]));
    expect(published).toHaveLength(2);
    const logged = (await events('role:update')).filter((e) => e.properties.role === role);
    expect(logged.at(-1)?.properties).toMatchObject({ old: ['control.console'], new: ['control.console', 'control.start'], servers: sorted([a.uuid, b.uuid]), reapplied: 2 });
    const detail = await o.get(`/api/client/roles/${role}`);
    expect(detail.body.meta.assignments).toHaveLength(3);
    expect(owner.id).toBeGreaterThan(0);
  });

  it("refuses a manager's edit that widens the role on a server where they lack the key, changing nothing", async () => {
    const { owner, a, b, friend, o } = await world();
    const role = (await o.post('/api/client/roles', { name: 'Shared', permissions: ['file.read'] })).body.attributes.id as string;
    expect((await o.put(`/api/client/servers/${a.identifier}/users/${friend.uuid}/role`, { role })).status).toBe(200);
    expect((await o.put(`/api/client/servers/${b.identifier}/users/${friend.uuid}/role`, { role })).status).toBe(200);
    const manager = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, a, manager, ['user.read', 'user.update', 'file.read', 'file.delete']);
    await makeSubuser(panel.app.db, b, manager, ['user.read', 'user.update', 'file.read']);
    const m = await signIn(manager);
    published.length = 0;
    const denied = await m.post(`/api/client/roles/${role}`, { name: 'Shared', permissions: ['file.read', 'file.delete'] });
    expect(denied.status).toBe(403);
    expect(denied.body.errors[0].meta).toMatchObject({ server: b.identifier, permissions: ['file.delete'] });
    expect((await keysOf(a, friend)).permissions).toEqual(['file.read', 'websocket.connect']);
    expect((await o.get(`/api/client/roles/${role}`)).body.attributes.permissions).toEqual(['file.read']);
    expect(published).toEqual([]);
    // Only the owner deletes a role.
    expect((await m.delete(`/api/client/roles/${role}`)).status).toBe(403);
    expect(owner.id).toBeGreaterThan(0);
  });

  it('deleting a role leaves its subusers with the keys they had, unlinked', async () => {
    const { a, friend, o } = await world();
    const role = (await o.post('/api/client/roles', { name: 'Gone', permissions: ['file.read', 'control.console'] })).body.attributes.id as string;
    expect((await o.put(`/api/client/servers/${a.identifier}/users/${friend.uuid}/role`, { role, overrides: { add: ['backup.read'] } })).status).toBe(200);
    published.length = 0;
    expect((await o.delete(`/api/client/roles/${role}`)).status).toBe(204);
    expect(await keysOf(a, friend)).toEqual({ permissions: sorted(['websocket.connect', 'file.read', 'control.console', 'backup.read']), role_id: null, builtin_role: null });
    expect(published).toEqual([]);
    expect((await o.get(`/api/client/roles/${role}`)).status).toBe(404);
    expect((await events('role:delete')).filter((e) => e.properties.role === role)[0]?.properties).toMatchObject({ unlinked: 1 });
  });

  it('an ownership transfer unlinks the old owner\'s roles there, keeping the keys', async () => {
    const { a, friend, o } = await world();
    const role = (await o.post('/api/client/roles', { name: 'Before', permissions: ['file.read'] })).body.attributes.id as string;
    expect((await o.put(`/api/client/servers/${a.identifier}/users/${friend.uuid}/role`, { role })).status).toBe(200);
    const heir = await makeUser(panel.app.db);
    expect((await o.post(`/api/client/servers/${a.identifier}/settings/transfer-ownership`, { email: heir.email })).status).toBe(204);
    expect(await keysOf(a, friend)).toEqual({ permissions: ['file.read', 'websocket.connect'], role_id: null, builtin_role: null });
  });
});
