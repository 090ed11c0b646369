import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Revocation } from '@bridge/bus';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';

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
  await client.get('/api/client'); // picks up the XSRF cookie of the regenerated session
  return client;
}

/** Everything the database holds about a server's subusers and activity, to prove a refusal changed nothing. */
async function snapshot(server: ServerRow) {
  const [subs] = await panel.app.pool.query('SELECT user_id, permissions, status, invite_token_hash FROM subusers WHERE server_id = ? ORDER BY id', [server.id]);
  const [acts] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM activity_logs WHERE server_id = ?', [server.id]);
  const [users] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM users');
  const [owner] = await panel.app.pool.query('SELECT owner_id FROM servers WHERE id = ?', [server.id]);
  return JSON.stringify({ subs, acts, users, owner });
}

async function world() {
  const owner = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  return { owner, server, base: `/api/client/servers/${server.identifier}` };
}

describe('subuser routes', () => {
  it('adds an existing account at once, lists and shows it in the server_subuser shape', async () => {
    const { owner, server, base } = await world();
    const friend = await makeUser(panel.app.db);
    const o = await signIn(owner);
    const res = await o.post(`${base}/users`, { email: friend.email.toUpperCase(), permissions: ['control.console', 'file.read'] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: 'server_subuser',
      attributes: {
        uuid: friend.uuid, username: friend.username, email: friend.email, '2fa_enabled': false, status: 'active',
        invite_expires_at: null, permissions: ['websocket.connect', 'control.console', 'file.read'],
      },
    });
    expect(res.body.attributes.image).toMatch(/^https:\/\/gravatar\.com\/avatar\/[0-9a-f]{32}$/);
    const list = await o.get(`${base}/users`);
    expect(list.body.object).toBe('list');
    expect(list.body.data.map((d: { attributes: { uuid: string } }) => d.attributes.uuid)).toEqual([friend.uuid]);
    expect((await o.get(`${base}/users/${friend.uuid}`)).body.attributes.email).toBe(friend.email);
    expect(published).toContainEqual({ userUuid: friend.uuid, serverUuid: server.uuid });
    const f = await signIn(friend);
    expect((await f.get(`/api/client/servers/${server.uuid}`)).status).toBe(200);
  });

  it('refuses unknown keys with 422 listing them, and bad or long emails with 422 on email', async () => {
    const { owner, base } = await world();
    const o = await signIn(owner);
    const unknown = await o.post(`${base}/users`, { email: 'a@example.com', permissions: ['file.read', 'file.explode', '*'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].meta).toMatchObject({ source_field: 'permissions', permissions: ['file.explode', '*'] });
    const long = await o.post(`${base}/users`, { email: `${'a'.repeat(180)}@example.com`, permissions: [] });
    expect(long.status).toBe(422);
    expect(long.body.errors[0].meta.source_field).toBe('email');
    const bad = await o.post(`${base}/users`, { email: 'not-an-email', permissions: [] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta.source_field).toBe('email');
  });

  it('refuses to change an email on update', async () => {
    const { owner, server, base } = await world();
    const friend = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, friend, []);
    const o = await signIn(owner);
    const before = await snapshot(server);
    const res = await o.post(`${base}/users/${friend.uuid}`, { permissions: [], email: 'new@example.com' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].meta.source_field).toBe('email');
    expect(await snapshot(server)).toBe(before);
  });

  it('updates only changed keys, logs sorted old/new, and publishes a revocation', async () => {
    const { owner, server, base } = await world();
    const friend = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, friend, ['file.read', 'control.console']);
    const o = await signIn(owner);
    published.length = 0;
    const res = await o.post(`${base}/users/${friend.uuid}`, { permissions: ['control.start', 'file.read'] });
    expect(res.status).toBe(200);
    expect(res.body.attributes.permissions).toEqual(['websocket.connect', 'control.start', 'file.read']);
    expect(published).toEqual([{ userUuid: friend.uuid, serverUuid: server.uuid }]);
    const [rows] = await panel.app.pool.query('SELECT event, properties FROM activity_logs WHERE server_id = ? ORDER BY id DESC LIMIT 1', [server.id]);
    const [row] = rows as Array<{ event: string; properties: string | Record<string, unknown> }>;
    const props = typeof row?.properties === 'string' ? JSON.parse(row.properties) : row?.properties;
    expect(row?.event).toBe('server:subuser.update');
    expect(props).toMatchObject({
      old: ['control.console', 'file.read', 'websocket.connect'], new: ['control.start', 'file.read', 'websocket.connect'],
    });
  });

  it('lets a subuser with user.* grant only what it holds and keep what it lacks', async () => {
    const { server, base } = await world();
    const manager = await makeUser(panel.app.db);
    const target = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, manager, ['user.create', 'user.read', 'user.update', 'user.delete', 'control.console', 'file.read']);
    await makeSubuser(panel.app.db, server, target, ['control.console', 'backup.restore']);
    const m = await signIn(manager);
    const res = await m.post(`${base}/users/${target.uuid}`, { permissions: ['control.console', 'backup.restore', 'file.read'] });
    expect(res.status).toBe(200);
    expect(res.body.attributes.permissions).toEqual(['websocket.connect', 'control.console', 'file.read', 'backup.restore']);
  });

  it('deletes a subuser: revocation after the commit, access ends, activity logged', async () => {
    const { owner, server, base } = await world();
    const friend = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, friend, ['control.console']);
    const f = await signIn(friend);
    const o = await signIn(owner);
    // The revocation is published after the commit: a subscriber re-reading the database sees the row gone.
    const seen: number[] = [];
    const stop = panel.app.bus.subscribe(async (r) => {
      if (r.userUuid !== friend.uuid) return;
      const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM subusers WHERE server_id = ? AND user_id = ?', [server.id, friend.id]);
      seen.push(Number((rows as Array<{ n: number }>)[0]?.n));
    });
    expect((await o.delete(`${base}/users/${friend.uuid}`)).status).toBe(204);
    stop();
    expect(seen).toEqual([0]);
    expect((await f.get(`${base}`)).status).toBe(404);
    expect((await o.get(`${base}/users/${friend.uuid}`)).status).toBe(404);
    expect((await o.delete(`${base}/users/${friend.uuid}`)).status).toBe(404);
    const [rows] = await panel.app.pool.query('SELECT event FROM activity_logs WHERE server_id = ?', [server.id]);
    expect((rows as Array<{ event: string }>).map((r) => r.event)).toEqual(['server:subuser.delete']);
  });

  it('lets a subuser leave; the owner cannot', async () => {
    const { owner, server, base } = await world();
    const friend = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, friend, []);
    const f = await signIn(friend);
    published.length = 0;
    expect((await f.post(`${base}/leave`)).status).toBe(204);
    expect(published).toEqual([{ userUuid: friend.uuid, serverUuid: server.uuid }]);
    expect((await f.get(base)).status).toBe(404);
    expect((await (await signIn(owner)).post(`${base}/leave`)).status).toBe(403);
  });

  it('answers a concurrent duplicate create with exactly one 2xx and one 409', async () => {
    for (const existing of [true, false]) {
      const { owner, server, base } = await world();
      const email = existing ? (await makeUser(panel.app.db)).email : `race-${server.identifier}@example.com`;
      const o = await signIn(owner);
      const results = await Promise.all([0, 1].map(() => o.post(`${base}/users`, { email, permissions: ['control.console'] })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM subusers WHERE server_id = ?', [server.id]);
      expect((rows as Array<{ n: number }>)[0]?.n).toBe(1);
    }
  });
});

describe('escalation attempts are refused and change nothing', () => {
  async function managerWorld() {
    const w = await world();
    const manager = await makeUser(panel.app.db);
    const target = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, w.server, manager, ['user.create', 'user.read', 'user.update', 'user.delete', 'control.console']);
    await makeSubuser(panel.app.db, w.server, target, ['control.console', 'backup.restore']);
    return { ...w, manager, target, m: await signIn(manager) };
  }

  it('a subuser granting backup.restore it lacks gets 403 naming the key', async () => {
    const { server, base, m } = await managerWorld();
    const stranger = await makeUser(panel.app.db);
    const before = await snapshot(server);
    const res = await m.post(`${base}/users`, { email: stranger.email, permissions: ['control.console', 'backup.restore'] });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].meta.permissions).toEqual(['backup.restore']);
    expect(await snapshot(server)).toBe(before);
  });

  it('a subuser adding a key it lacks to someone else gets 403', async () => {
    const { server, base, m, target } = await managerWorld();
    const before = await snapshot(server);
    const res = await m.post(`${base}/users/${target.uuid}`, { permissions: ['control.console', 'backup.restore', 'settings.reinstall'] });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].meta.permissions).toEqual(['settings.reinstall']);
    expect(await snapshot(server)).toBe(before);
  });

  it('a subuser editing, viewing for edit or deleting itself gets 403', async () => {
    const { server, base, m, manager } = await managerWorld();
    const before = await snapshot(server);
    expect((await m.post(`${base}/users/${manager.uuid}`, { permissions: ['control.console'] })).status).toBe(403);
    expect((await m.get(`${base}/users/${manager.uuid}`)).status).toBe(403);
    expect((await m.delete(`${base}/users/${manager.uuid}`)).status).toBe(403);
    expect(await snapshot(server)).toBe(before);
  });

  it('inviting the owner gets 422 on email', async () => {
    const { server, base, m, owner } = await managerWorld();
    const before = await snapshot(server);
    const res = await m.post(`${base}/users`, { email: owner.email, permissions: [] });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].meta.source_field).toBe('email');
    expect(await snapshot(server)).toBe(before);
  });

  it('stripping a key it lacks gets 403 and the key stays', async () => {
    const { server, base, m, target } = await managerWorld();
    const before = await snapshot(server);
    const res = await m.post(`${base}/users/${target.uuid}`, { permissions: ['control.console'] });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].meta.permissions).toEqual(['backup.restore']);
    expect(await snapshot(server)).toBe(before);
  });
});

describe('ownership transfer', () => {
  it('makes the new owner owner, keeps the old one as a subuser with every key, in one logged step', async () => {
    const { owner, server, base } = await world();
    const heir = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, heir, ['control.console']);
    const o = await signIn(owner);
    published.length = 0;
    const res = await o.post(`${base}/settings/transfer-ownership`, { email: heir.email });
    expect(res.status).toBe(204);
    expect(published).toEqual(expect.arrayContaining([
      { userUuid: owner.uuid, serverUuid: server.uuid }, { userUuid: heir.uuid, serverUuid: server.uuid },
    ]));
    const h = await signIn(heir);
    const view = await h.get(base);
    expect(view.body.meta).toEqual({ is_server_owner: true, user_permissions: ['*'] });
    const list = await h.get(`${base}/users`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].attributes.uuid).toBe(owner.uuid);
    expect(list.body.data[0].attributes.permissions).toContain('settings.reinstall');
    const mine = await o.get(base);
    expect(mine.body.meta.is_server_owner).toBe(false);
    expect(mine.body.meta.user_permissions).toContain('backup.restore');
    expect((await o.post(`${base}/settings/transfer-ownership`, { email: owner.email })).status).toBe(403);
    const [rows] = await panel.app.pool.query('SELECT event FROM activity_logs WHERE server_id = ?', [server.id]);
    expect((rows as Array<{ event: string }>).map((r) => r.event)).toEqual(['server:ownership.transfer']);
    expect((await o.post(`${base}/leave`)).status).toBe(204);
  });

  it('refuses unknown accounts with 422 and changes nothing', async () => {
    const { owner, server, base } = await world();
    const o = await signIn(owner);
    const before = await snapshot(server);
    const res = await o.post(`${base}/settings/transfer-ownership`, { email: 'nobody@example.com' });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].meta.source_field).toBe('email');
    expect(await snapshot(server)).toBe(before);
  });
});
