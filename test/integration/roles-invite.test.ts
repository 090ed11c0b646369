import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '@contracts/presets';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

/** Bulk invite (DESIGN §20): one email, one role, several servers, one mail, one acceptance. Real SMTP. */
interface Received { to: string[]; raw: string }
const inbox: Received[] = [];
let smtp: SMTPServer;
let panel: TestPanel;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  panel = await startTestPanel({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, APP_URL: 'http://panel.example.com/' } });
});
afterAll(async () => {
  await panel?.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

/** Mails to `to` so far. The panel hands a mail to SMTP before it answers, so after a response the count is final. */
const mailsTo = (to: string) => inbox.filter((m) => m.to.includes(to));

function tokenIn(mail: Received | undefined): string {
  if (!mail) throw new Error('no mail');
  const decoded = mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  const match = /http:\/\/panel\.example\.com\/invite\/([A-Za-z0-9_-]+)/.exec(decoded);
  if (!match?.[1]) throw new Error(`no invite link in mail:\n${mail.raw}`);
  return match[1];
}

async function signIn(user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(200);
  await client.get('/api/client');
  return client;
}

async function accept(token: string, username: string) {
  const c = new HttpClient(panel.url);
  await c.get(`/api/invites/${token}`);
  return { client: c, res: await c.post(`/api/invites/${token}/accept`, { username, password: 'a long enough secret' }) };
}

async function rowsOf(email: string): Promise<Array<{ server_id: number; status: string; builtin_role: string | null; role_id: number | null }>> {
  const [rows] = await panel.app.pool.query(
    'SELECT s.server_id, s.status, s.builtin_role, s.role_id FROM subusers s JOIN users u ON u.id = s.user_id WHERE u.email = ? ORDER BY s.server_id', [email]);
  return rows as Array<{ server_id: number; status: string; builtin_role: string | null; role_id: number | null }>;
}

async function world() {
  const owner = await makeUser(panel.app.db);
  const a = await makeServer(panel.app.db, owner);
  const b = await makeServer(panel.app.db, owner);
  return { owner, a, b, o: await signIn(owner) };
}

const invite = (c: HttpClient, role: string, email: string, servers: readonly ServerRow[]) =>
  c.post(`/api/client/roles/${role}/invite`, { email, servers: servers.map((s) => s.identifier) });

describe('bulk invite', () => {
  it('invites a new address to two servers with one mail; one acceptance activates both with the role', async () => {
    const { a, b, o } = await world();
    const role = (await o.post('/api/client/roles', { name: 'Crew', permissions: ['control.console', 'file.read'] })).body.attributes.id as string;
    const email = `bulk-${a.identifier}@example.com`;
    const res = await invite(o, role, email, [a, b]);
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: { meta: { server: { uuid: string } } }) => d.meta.server.uuid)).toEqual([a.uuid, b.uuid]);
    expect(res.body.data[0].attributes).toMatchObject({ status: 'invited', role: { id: role, name: 'Crew' } });
    const mails = mailsTo(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.raw).toContain(a.name);
    expect(mails[0]?.raw).toContain(b.name);
    const token = tokenIn(mails[0]);
    const view = await new HttpClient(panel.url).get(`/api/invites/${token}`);
    expect(view.body.attributes.servers.map((s: { identifier: string }) => s.identifier).sort()).toEqual([a.identifier, b.identifier].sort());
    const { client, res: accepted } = await accept(token, `bulk_${a.identifier}`);
    expect(accepted.status).toBe(200);
    for (const server of [a, b]) {
      const seen = await client.get(`/api/client/servers/${server.uuid}`);
      expect(seen.status).toBe(200);
      expect([...seen.body.meta.user_permissions].sort()).toEqual(['control.console', 'file.read', 'websocket.connect']);
    }
    expect((await rowsOf(email)).map((r) => r.status)).toEqual(['active', 'active']);
  });

  it('attaches an existing account at once with a built-in role and one "added" mail', async () => {
    const { a, b, o } = await world();
    const friend = await makeUser(panel.app.db);
    const res = await invite(o, 'viewer', friend.email, [a, b]);
    expect(res.status).toBe(200);
    expect((await rowsOf(friend.email))).toEqual([
      { server_id: a.id, status: 'active', builtin_role: 'viewer', role_id: null },
      { server_id: b.id, status: 'active', builtin_role: 'viewer', role_id: null },
    ]);
    expect(mailsTo(friend.email)).toHaveLength(1);
    expect(mailsTo(friend.email)[0]?.raw).toContain('You have been added to');
    const f = await signIn(friend);
    const seen = await f.get(`/api/client/servers/${b.uuid}`);
    expect([...seen.body.meta.user_permissions].sort()).toEqual(['websocket.connect', ...PRESETS.viewer.keys].sort());
  });

  it('judges every server: without user.create on one (403) or a key there (403), nothing is created anywhere', async () => {
    const { a, b } = await world();
    const manager = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, a, manager, ['user.create', 'control.console', 'control.start', 'control.stop', 'control.restart', 'activity.read']);
    await makeSubuser(panel.app.db, b, manager, ['user.read', 'control.console']);
    const m = await signIn(manager);
    const email = `refused-${a.identifier}@example.com`;
    const noCreate = await invite(m, 'moderator', email, [a, b]);
    expect(noCreate.status).toBe(403);
    expect(noCreate.body.errors[0].meta.server).toBe(b.identifier);
    await panel.app.pool.query('UPDATE subusers SET permissions = ? WHERE server_id = ? AND user_id = ?', [JSON.stringify(['websocket.connect', 'user.create', 'control.console']), b.id, manager.id]);
    const lacking = await invite(m, 'moderator', email, [a, b]);
    expect(lacking.status).toBe(403);
    expect(lacking.body.errors[0].meta.permissions).toEqual(['control.start', 'control.stop', 'control.restart', 'activity.read']);
    const stranger = await makeServer(panel.app.db, await makeUser(panel.app.db));
    expect((await invite(m, 'moderator', email, [a, stranger])).status).toBe(404);
    expect(await rowsOf(email)).toEqual([]);
    const [users] = await panel.app.pool.query('SELECT id FROM users WHERE email = ?', [email]);
    expect(users).toEqual([]);
    expect(mailsTo(email)).toEqual([]);
  });

  it('a duplicate on one server refuses the whole invite (409) in one transaction', async () => {
    const { a, b, o } = await world();
    const friend = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, b, friend, []);
    const res = await invite(o, 'viewer', friend.email, [a, b]);
    expect(res.status).toBe(409);
    expect((await rowsOf(friend.email)).map((r) => r.server_id)).toEqual([b.id]);
  });

  it('resend from any of the servers kills the first link; removing the link-holding row keeps the others invited', async () => {
    const { a, b, owner, o } = await world();
    const c = await makeServer(panel.app.db, owner);
    const email = `resend-${a.identifier}@example.com`;
    expect((await invite(o, 'viewer', email, [a, b, c])).status).toBe(200);
    const first = tokenIn(mailsTo(email)[0]);
    const uuid = (await o.get(`/api/client/servers/${b.identifier}/users`)).body.data[0].attributes.uuid as string;
    expect((await o.post(`/api/client/servers/${b.identifier}/users/${uuid}/resend`, {})).status).toBe(200);
    const second = tokenIn(mailsTo(email)[1]);
    expect((await new HttpClient(panel.url).get(`/api/invites/${first}`)).status).toBe(404);
    // The new link lives on b's row; removing b before acceptance moves it to another invited row.
    expect((await o.delete(`/api/client/servers/${b.identifier}/users/${uuid}`)).status).toBe(204);
    const { client, res } = await accept(second, `resend_${a.identifier}`);
    expect(res.status).toBe(200);
    expect((await client.get(`/api/client/servers/${a.uuid}`)).status).toBe(200);
    expect((await client.get(`/api/client/servers/${c.uuid}`)).status).toBe(200);
    expect((await client.get(`/api/client/servers/${b.uuid}`)).status).toBe(404);
  });
});
