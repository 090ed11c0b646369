import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertActivity } from '@db/repositories/activity';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel(); });
afterAll(async () => { await panel?.close(); });

async function signIn(user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(200);
  await client.get('/api/client');
  return client;
}

async function seeded() {
  const owner = await makeUser(panel.app.db);
  const reader = await makeUser(panel.app.db);
  const admin = await makeUser(panel.app.db, { rootAdmin: true });
  const server = await makeServer(panel.app.db, owner);
  const other = await makeServer(panel.app.db, owner);
  await makeSubuser(panel.app.db, server, reader, ['activity.read']);
  const base = Date.parse('2026-01-01T00:00:00Z');
  for (let i = 0; i < 30; i++) {
    await insertActivity(panel.app.db, {
      event: i % 3 === 0 ? 'server:power.start' : `server:subuser.${i % 2 ? 'create' : 'update'}`,
      actorId: i % 5 === 0 ? reader.id : owner.id, serverId: server.id, ip: i % 5 === 0 ? '10.0.0.5' : '192.0.2.1',
      userAgent: 'test', properties: { i }, timestamp: new Date(base + i * 1000),
    });
  }
  await insertActivity(panel.app.db, { event: 'server:power.start', actorId: owner.id, serverId: other.id, properties: {}, timestamp: new Date(base) });
  return { owner, reader, admin, server, url: `/api/client/servers/${server.identifier}/activity` };
}

describe('the activity log', () => {
  it('pages newest first, 25 by default, per_page up to 100', async () => {
    const { owner, url } = await seeded();
    const o = await signIn(owner);
    const first = await o.get(url);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(25);
    expect(first.body.meta.pagination).toMatchObject({ total: 30, count: 25, per_page: 25, current_page: 1, total_pages: 2 });
    expect(first.body.data[0].attributes).toMatchObject({ event: 'server:subuser.create', batch: null, description: null, is_api: false, properties: { i: 29 } });
    const item = first.body.data[1].attributes;
    expect(item).toMatchObject({ properties: { i: 28 }, has_additional_metadata: true, relationships: { actor: { object: 'user', attributes: { uuid: owner.uuid, email: owner.email } } } });
    const second = await o.get(`${url}?page=2`);
    expect(second.body.data.map((d: { attributes: { properties: { i: number } } }) => d.attributes.properties.i)).toEqual([4, 3, 2, 1, 0]);
    expect((await o.get(`${url}?per_page=100`)).body.data).toHaveLength(30);
    expect((await o.get(`${url}?per_page=101`)).status).toBe(422);
  });

  it('filters by exact event, by prefix and by actor', async () => {
    const { owner, reader, url } = await seeded();
    const o = await signIn(owner);
    const exact = await o.get(`${url}?filter[event]=server:subuser.create&per_page=100`);
    expect(exact.body.data.every((d: { attributes: { event: string } }) => d.attributes.event === 'server:subuser.create')).toBe(true);
    expect(exact.body.meta.pagination.total).toBe(10);
    const prefix = await o.get(`${url}?filter[event]=server:subuser.*&per_page=100`);
    expect(prefix.body.meta.pagination.total).toBe(20);
    const byActor = await o.get(`${url}?filter[actor]=${reader.uuid}&per_page=100`);
    expect(byActor.body.meta.pagination.total).toBe(6);
    expect((await o.get(`${url}?filter[event]=server:%25`)).body.meta.pagination.total).toBe(0);
  });

  it("hides other users' IPs except from the row's actor and root admins", async () => {
    const { owner, reader, admin, url } = await seeded();
    const ips = async (c: HttpClient) => (await c.get(`${url}?per_page=100`)).body.data.map((d: { attributes: { ip: string | null; properties: { i: number } } }) => [d.attributes.properties.i, d.attributes.ip]);
    const byReader = Object.fromEntries(await ips(await signIn(reader)));
    expect(byReader[0]).toBe('10.0.0.5');
    expect(byReader[1]).toBeNull();
    const byOwner = Object.fromEntries(await ips(await signIn(owner)));
    expect(byOwner[0]).toBeNull();
    expect(byOwner[1]).toBe('192.0.2.1');
    const byAdmin = Object.fromEntries(await ips(new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, admin))));
    expect(byAdmin[0]).toBe('10.0.0.5');
    expect(byAdmin[1]).toBe('192.0.2.1');
  });

  it('exports CSV and JSON as attachments', async () => {
    const { owner, server, url } = await seeded();
    const o = await signIn(owner);
    const csv = await o.get(`${url}?format=csv&filter[event]=server:power.start`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="activity-${server.identifier}.csv"`);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('id,timestamp,event,actor,actor_email,is_api,ip,properties');
    expect(lines).toHaveLength(11);
    const json = await o.get(`${url}?format=json`);
    expect(json.headers.get('content-disposition')).toBe(`attachment; filename="activity-${server.identifier}.json"`);
    expect(JSON.parse(json.text).data).toHaveLength(30);
  });

  it('records subuser changes with the actor, API-key flag and IP', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const friend = await makeUser(panel.app.db);
    const api = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, owner));
    const base = `/api/client/servers/${server.uuid}`;
    expect((await api.post(`${base}/users`, { email: friend.email, permissions: ['control.console'] })).status).toBe(200);
    const list = await api.get(`${base}/activity`);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0].attributes).toMatchObject({
      event: 'server:subuser.create', is_api: true, properties: { email: friend.email, permissions: ['websocket.connect', 'control.console'] },
    });
    expect(list.body.data[0].attributes.ip).toMatch(/127\.0\.0\.1/);
  });
});
