import { giveAdminRole } from '../factories/admin';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNode } from '@db/repositories/nodes';
import { saveServerStartup } from '@db/repositories/startup';
import type { UserRow } from '@db/schema/users';
import { massMailRoutes } from '@server/routes/mass-mail';
import type { RouteDef } from '@server/http/manifest';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { decoded, TestSmtp } from './mass-mail-support';

const M = '/api/application/mail';
const smtp = new TestSmtp();
let panel: TestPanel;
let admin: UserRow;
let a: HttpClient;

beforeAll(async () => {
  const url = await smtp.start();
  panel = await startTestPanel({ env: { SMTP_URL: url, APP_URL: 'http://panel.example.com', RUNNER_TICK_MS: '50', MAIL_RATE_PER_MINUTE: '1000' } });
  admin = await giveAdminRole(panel.app.db, await makeUser(panel.app.db, { rootAdmin: true, username: `o'neil<b>${randomBytes(2).toString('hex')}`, createdAt: new Date('2018-01-01T00:00:00Z') }));
  a = await signIn(admin);
});
afterAll(async () => {
  await panel?.close();
  await smtp.close();
});

async function signIn(user: UserRow): Promise<HttpClient> {
  const c = new HttpClient(panel.url);
  expect((await c.login(user.email, TEST_PASSWORD)).status).toBe(200);
  await c.get('/api/client');
  return c;
}

async function blastDone(uuid: string) {
  for (;;) {
    const res = await a.get(`${M}/blasts/${uuid}`);
    if (res.body.attributes.status === 'done') return res.body.attributes;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A node with two members (owner + subuser) on a sample-game server, plus users the filters must leave out. */
async function world() {
  const db = panel.app.db;
  const tag = randomBytes(4).toString('hex');
  const node = await insertNode(db, { uuid: randomUUID(), name: `eu-${tag}`, url: 'http://node.invalid', tokenId: tag.padEnd(16, '0'), tokenHash: 'x', createdAt: new Date() });
  const owner = await makeUser(db);
  const sub = await makeUser(db);
  const server = await makeServer(db, owner, { nodeId: node.id });
  await saveServerStartup(db, { serverId: server.id, softwareId: 'sample-game', dockerImage: 'img', updatedAt: new Date() });
  await makeSubuser(db, server, sub, []);
  const invited = await makeUser(db, { status: 'pending' });
  await makeSubuser(db, server, invited, [], { status: 'invited' });
  const suspended = await makeUser(db, { suspended: true });
  await makeSubuser(db, server, suspended, []);
  return { node, owner, sub, server };
}

describe('mass mail', () => {
  it('refuses every route to a signed-in user who is not an admin (403), and to anonymous callers (401)', async () => {
    const plain = await signIn(await makeUser(panel.app.db));
    const anon = new HttpClient(panel.url);
    await anon.get('/api/health');
    for (const def of massMailRoutes as readonly RouteDef<unknown, unknown>[]) {
      const path = def.path.replace(':blast', randomUUID());
      const res = await plain.request(def.method, path, def.example?.body ?? (def.method === 'GET' ? undefined : {}));
      expect(res.status, `${def.method} ${def.path}`).toBe(403);
      expect((await anon.request(def.method, path, def.method === 'GET' ? undefined : {})).status, `${def.method} ${def.path} anonymous`).toBe(401);
    }
  });

  it('counts the audience live by node, software, servers, creation time and admin flag', async () => {
    const w = await world();
    const count = async (audience: Record<string, unknown>) => {
      const res = await a.post(`${M}/audience`, { audience });
      expect(res.status, res.text).toBe(200);
      return res.body as { count: number; sample: string[] };
    };
    const byNode = await count({ node_id: w.node.id });
    expect(byNode.count).toBe(2);
    expect(byNode.sample.sort()).toEqual([w.owner.email, w.sub.email].sort());
    expect((await count({ node_id: w.node.id, admin: true })).count).toBe(0);
    expect((await count({ node_id: w.node.id, has_servers: true, created_after: new Date(Date.now() - 3600_000).toISOString() })).count).toBe(2);
    expect((await count({ node_id: w.node.id, created_before: '2019-01-01T00:00:00Z' })).count).toBe(0);
    const old = await makeUser(panel.app.db, { createdAt: new Date('2015-06-01T00:00:00Z') });
    const oldAdmin = await makeUser(panel.app.db, { rootAdmin: true, createdAt: new Date('2015-07-01T00:00:00Z') });
    const window = { created_after: '2015-01-01T00:00:00Z', created_before: '2016-01-01T00:00:00Z' };
    expect((await count(window)).sample.sort()).toEqual([old.email, oldAdmin.email].sort());
    expect((await count({ ...window, admin: false })).sample).toEqual([old.email]);
    expect((await count({ ...window, admin: true })).sample).toEqual([oldAdmin.email]);
    expect((await count({ ...window, has_servers: false })).count).toBe(2);
    expect((await count({ ...window, has_servers: true })).count).toBe(0);
    const software = await count({ software_id: 'sample-game', node_id: w.node.id });
    expect(software.count).toBe(2);
  });

  it('names the field of a bad filter (422)', async () => {
    const unknownNode = await a.post(`${M}/audience`, { audience: { node_id: 999999 } });
    expect(unknownNode.status).toBe(422);
    expect(unknownNode.body.errors[0].meta.source_field).toBe('audience.node_id');
    const badDate = await a.post(`${M}/audience`, { audience: { created_after: 'yesterday' } });
    expect(badDate.status).toBe(422);
    expect(badDate.body.errors[0].meta.source_field).toBe('audience.created_after');
    const unknownField = await a.post(`${M}/audience`, { audience: { plan: 'gold' } });
    expect(unknownField.status).toBe(422);
    const unknownSoftware = await a.post(`${M}/audience`, { audience: { software_id: 'no-such-thing' } });
    expect(unknownSoftware.body.errors[0].meta.source_field).toBe('audience.software_id');
  });

  it('previews with tokens HTML-escaped in the HTML part and refuses anything but plain tokens', async () => {
    const res = await a.post(`${M}/preview`, { subject: 'Hi {{ user.name }}', body: 'Dear {{ user.name }} <3,\n\nsee {{ panel.url }}' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.subject).toBe(`Hi ${admin.username}`);
    expect(res.body.text).toBe(`Dear ${admin.username} <3,\n\nsee http://panel.example.com`);
    expect(res.body.html).toContain(`Dear o&#39;neil&lt;b&gt;${admin.username?.slice(-4)} &lt;3,</p>`);
    expect(res.body.html).not.toContain('<b>');
    for (const [body, why] of [
      ['{{{ user.name }}}', 'unescaped'], ['{{& user.name }}', 'unescaped'], ['{{#user}}x{{/user}}', 'sections'],
      ['{{> header }}', 'partials'], ['{{ user.password }}', 'unknown token'], ['{{ user.name ', 'not a valid template'],
    ] as const) {
      const refused = await a.post(`${M}/preview`, { subject: 'x', body });
      expect(refused.status, body).toBe(422);
      expect(refused.body.errors[0].meta.source_field).toBe('body');
      expect(refused.body.errors[0].detail).toContain(why);
    }
    const badSubject = await a.post(`${M}/preview`, { subject: '{{ constructor }}', body: 'x' });
    expect(badSubject.body.errors[0].meta.source_field).toBe('subject');
  });

  it('sends a test to the admin only, logged as mass-mail-test and as admin:mail.test', async () => {
    const before = smtp.inbox.length;
    const res = await a.post(`${M}/test`, { subject: 'Test for {{ user.email }}', body: 'Hello {{ user.name }}' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.to).toBe(admin.email);
    const [mail] = (await smtp.received(before + 1)).slice(before);
    expect(mail?.to).toEqual([admin.email]);
    expect(decoded(mail!)).toContain(`Test for ${admin.email}`);
    const log = await a.get(`${M}/log?kind=mass-mail-test&to=${encodeURIComponent(admin.email)}`);
    expect(log.body.data.map((r: { attributes: { status: string; to: string } }) => [r.attributes.to, r.attributes.status])).toEqual([[admin.email, 'sent']]);
    const [activity] = await panel.app.pool.query('SELECT actor_id, properties FROM activity_logs WHERE event = ?', ['admin:mail.test']);
    expect(activity).toEqual([{ actor_id: admin.id, properties: expect.objectContaining({ to: admin.email, status: 'sent' }) }]);
  });

  it('queues a blast that reaches each member of the audience once, logs every message and records admin:mail.send', async () => {
    const w = await world();
    const bounce = await makeUser(panel.app.db, { email: `bounce-${randomBytes(3).toString('hex')}@example.com` });
    await makeSubuser(panel.app.db, w.server, bounce, []);
    const before = smtp.inbox.length;
    const res = await a.post(`${M}/blasts`, { subject: 'Maintenance for {{ user.name }}', body: 'Hi {{ user.name }}', audience: { node_id: w.node.id } });
    expect(res.status, res.text).toBe(202);
    expect(res.body.attributes).toMatchObject({ status: 'queued', recipients: 3 });
    const done = await blastDone(res.body.attributes.uuid);
    expect(done.progress).toEqual({ pending: 0, sending: 0, sent: 2, failed: 1 });
    const got = smtp.inbox.slice(before);
    expect(got.map((m) => m.to[0]).sort()).toEqual([w.owner.email, w.sub.email].sort());
    expect(decoded(got.find((m) => m.to[0] === w.sub.email)!)).toContain(`Maintenance for ${w.sub.username}`);

    const log = await a.get(`${M}/log?blast=${res.body.attributes.uuid}`);
    expect(log.body.meta.pagination.total).toBe(3);
    const failed = await a.get(`${M}/log?blast=${res.body.attributes.uuid}&status=failed`);
    expect(failed.body.data).toHaveLength(1);
    expect(failed.body.data[0].attributes).toMatchObject({ to: bounce.email, status: 'failed', kind: 'mass-mail' });
    expect(failed.body.data[0].attributes.error).toContain('mailbox unavailable');

    const [rows] = await panel.app.pool.query('SELECT actor_id, properties FROM activity_logs WHERE event = ?', ['admin:mail.send']);
    expect(rows).toEqual([{ actor_id: admin.id, properties: expect.objectContaining({ blast: res.body.attributes.uuid, recipients: 3, audience: { node_id: w.node.id } }) }]);
    const list = await a.get(`${M}/blasts`);
    expect(list.body.data[0].attributes.uuid).toBe(res.body.attributes.uuid);
  });

  it('refuses a blast to an empty audience (400) and stores nothing', async () => {
    const res = await a.post(`${M}/blasts`, { subject: 'x', body: 'y', audience: { created_before: '2000-01-01T00:00:00Z' } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].detail).toContain('audience is empty');
    const [blasts] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM mail_blasts WHERE subject = ?', ['x']);
    expect(blasts).toEqual([{ n: 0 }]);
  });

  it('logs invites in the Email Log too', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const o = await signIn(owner);
    const email = `invitee-${randomBytes(3).toString('hex')}@example.com`;
    expect((await o.post(`/api/client/servers/${server.identifier}/users`, { email, permissions: ['control.console'] })).status).toBe(200);
    const log = await a.get(`${M}/log?to=${encodeURIComponent(email)}`);
    expect(log.body.data.map((r: { attributes: { kind: string; status: string } }) => [r.attributes.kind, r.attributes.status])).toEqual([['invite', 'sent']]);
  });
});
