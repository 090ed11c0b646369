import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel(); });
afterAll(async () => { await panel?.close(); });

describe('the panel foundation', () => {
  it('reports health with the database up', async () => {
    const res = await new HttpClient(panel.url).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, db: 'up' });
  });

  it('serves the UI shell at /', async () => {
    const res = await new HttpClient(panel.url).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="app">');
  });

  it('answers unknown API routes with 404 in the Pterodactyl envelope', async () => {
    const res = await new HttpClient(panel.url).get('/api/client/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.errors[0]).toMatchObject({ code: 'NotFoundHttpException', status: '404' });
  });

  it('refuses anonymous callers with 401 in the envelope', async () => {
    const res = await new HttpClient(panel.url).get('/api/client/permissions');
    expect(res.status).toBe(401);
    expect(res.body.errors[0].status).toBe('401');
  });

  it('serves the permission catalogue to a signed-in user', async () => {
    const user = await makeUser(panel.app.db);
    const client = new HttpClient(panel.url);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(200);
    const res = await client.get('/api/client/permissions');
    expect(res.status).toBe(200);
    expect(res.body.object).toBe('system_permissions');
    expect(Object.keys(res.body.attributes.permissions)).toContain('health');
  });

  it('lists only servers the user owns or belongs to, whatever filter is passed', async () => {
    const owner = await makeUser(panel.app.db);
    const member = await makeUser(panel.app.db);
    const mine = await makeServer(panel.app.db, owner);
    const shared = await makeServer(panel.app.db, owner);
    await makeServer(panel.app.db, member);
    const other = await makeServer(panel.app.db, await makeUser(panel.app.db));
    await makeSubuser(panel.app.db, shared, member, ['control.console']);
    const client = new HttpClient(panel.url);
    await client.login(member.username ?? '', TEST_PASSWORD);
    const res = await client.get('/api/client?type=admin-all&filter[uuid]=' + other.uuid);
    expect(res.status).toBe(200);
    const ids = res.body.data.map((s: { attributes: { uuid: string } }) => s.attributes.uuid);
    expect(ids).toContain(shared.uuid);
    expect(ids).not.toContain(other.uuid);
    expect(ids).not.toContain(mine.uuid);
  });

  it('gives owners ["*"] and subusers their keys plus websocket.connect; strangers 404', async () => {
    const owner = await makeUser(panel.app.db);
    const member = await makeUser(panel.app.db);
    const stranger = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    await makeSubuser(panel.app.db, server, member, ['file.read']);
    const o = new HttpClient(panel.url); await o.login(owner.email, TEST_PASSWORD);
    const m = new HttpClient(panel.url); await m.login(member.email, TEST_PASSWORD);
    const s = new HttpClient(panel.url); await s.login(stranger.email, TEST_PASSWORD);
    const ro = await o.get(`/api/client/servers/${server.identifier}`);
    expect(ro.body.meta).toEqual({ is_server_owner: true, user_permissions: ['*'] });
    const rm = await m.get(`/api/client/servers/${server.uuid}`);
    expect(rm.body.meta.is_server_owner).toBe(false);
    expect([...rm.body.meta.user_permissions].sort()).toEqual(['file.read', 'websocket.connect']);
    expect((await s.get(`/api/client/servers/${server.uuid}`)).status).toBe(404);
    expect((await s.get('/api/client/servers/not-a-uuid')).status).toBe(404);
  });

  it('gives 409 on a suspended server to everyone but root admins', async () => {
    const owner = await makeUser(panel.app.db);
    const admin = await makeUser(panel.app.db, { rootAdmin: true });
    const server = await makeServer(panel.app.db, owner, { suspended: true });
    const o = new HttpClient(panel.url); await o.login(owner.email, TEST_PASSWORD);
    const a = new HttpClient(panel.url); await a.login(admin.email, TEST_PASSWORD);
    expect((await o.get(`/api/client/servers/${server.uuid}`)).status).toBe(409);
    expect((await a.get(`/api/client/servers/${server.uuid}`)).status).toBe(200);
  });
});
