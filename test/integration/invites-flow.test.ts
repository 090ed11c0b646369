import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';

interface Received { to: string[]; raw: string }
const inbox: Received[] = [];
const waiters: Array<() => void> = [];
let smtp: SMTPServer;
let panel: TestPanel;
/** The panel's clock: real time plus an offset the tests move forward. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'], logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        waiters.splice(0).forEach((w) => w());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  panel = await startTestPanel({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, APP_URL: 'http://panel.example.com/' }, clock });
});
afterAll(async () => {
  await panel?.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

/** The next mail to `to` (waits for it; the test timeout is the safety net). */
async function mailTo(to: string): Promise<Received> {
  for (;;) {
    const i = inbox.findIndex((m) => m.to.includes(to));
    if (i >= 0) return inbox.splice(i, 1)[0] as Received;
    await new Promise<void>((resolve) => waiters.push(resolve));
  }
}

/** Undoes quoted-printable soft breaks and escapes, then reads the invite link out of the text. */
function inviteToken(mail: Received): string {
  const decoded = mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  const match = /http:\/\/panel\.example\.com\/invite\/([A-Za-z0-9_-]+)/.exec(decoded);
  if (!match?.[1]) throw new Error(`no invite link in mail:\n${mail.raw}`);
  return match[1];
}

async function ownerWorld() {
  const owner = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  const o = new HttpClient(panel.url);
  await o.login(owner.email, TEST_PASSWORD);
  await o.get('/api/client');
  return { owner, server, o, base: `/api/client/servers/${server.identifier}` };
}

async function accept(token: string, username: string) {
  const c = new HttpClient(panel.url);
  await c.get(`/api/invites/${token}`);
  return { client: c, res: await c.post(`/api/invites/${token}/accept`, { username, password: 'a long enough secret' }) };
}

describe('invites', () => {
  it('creates a pending account, mails a link that works once and signs the new user in', async () => {
    const { server, o, base } = await ownerWorld();
    const email = `new-${server.identifier}@example.com`;
    const created = await o.post(`${base}/users`, { email, permissions: ['control.console'] });
    expect(created.status).toBe(200);
    expect(created.body.attributes).toMatchObject({ status: 'invited', email, username: `new-${server.identifier}` });
    const expires = Date.parse(created.body.attributes.invite_expires_at);
    expect(Math.round((expires - clock.now().getTime()) / 3600_000)).toBe(72);
    const [users] = await panel.app.pool.query('SELECT status, username, password FROM users WHERE email = ?', [email]);
    expect(users).toEqual([{ status: 'pending', username: null, password: null }]);

    const mail = await mailTo(email);
    expect(mail.raw).toContain(`Subject: You have been invited to ${server.name}`);
    const token = inviteToken(mail);
    const [subs] = await panel.app.pool.query('SELECT invite_token_hash FROM subusers WHERE server_id = ?', [server.id]);
    expect(JSON.stringify(subs)).not.toContain(token);

    const view = await new HttpClient(panel.url).get(`/api/invites/${token}`);
    expect(view.status).toBe(200);
    expect(view.body).toEqual({
      object: 'invite',
      attributes: {
        email, server: { name: server.name, identifier: server.identifier },
        servers: [{ name: server.name, identifier: server.identifier }], expires_at: created.body.attributes.invite_expires_at,
      },
    });

    const pendingLogin = await new HttpClient(panel.url).login(email, 'a long enough secret');
    expect(pendingLogin.status).toBe(401);

    const { client, res } = await accept(token, `joiner_${server.identifier}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ complete: true, user: { email, username: `joiner_${server.identifier}` } });
    const me = await client.get(`/api/client/servers/${server.uuid}`);
    expect(me.status).toBe(200);
    expect(me.body.meta.user_permissions).toContain('control.console');
    expect((await client.post(`/api/client/servers/${server.uuid}/leave`)).status).toBe(204);

    expect((await accept(token, 'someone_else')).res.status).toBe(404);
    expect((await new HttpClient(panel.url).get(`/api/invites/${token}`)).body.errors[0].code).toBe('InviteNotFoundException');
  });

  it('mails an existing account an "added" notice and makes it active at once', async () => {
    const { server, o, base } = await ownerWorld();
    const friend = await makeUser(panel.app.db);
    const res = await o.post(`${base}/users`, { email: friend.email, permissions: [] });
    expect(res.body.attributes).toMatchObject({ status: 'active', invite_expires_at: null });
    const mail = await mailTo(friend.email);
    expect(mail.raw).toContain(`Subject: You have been added to ${server.name}`);
    expect(mail.raw).toContain(`http://panel.example.com/server/${server.identifier}`);
  });

  it('resend replaces the link: the old one is dead, the new one works', async () => {
    const { server, o, base } = await ownerWorld();
    const email = `resend-${server.identifier}@example.com`;
    const created = await o.post(`${base}/users`, { email, permissions: [] });
    const first = inviteToken(await mailTo(email));
    const resent = await o.post(`${base}/users/${created.body.attributes.uuid}/resend`, { invite_ttl_hours: 2 });
    expect(resent.status).toBe(200);
    expect(Math.round((Date.parse(resent.body.attributes.invite_expires_at) - clock.now().getTime()) / 3600_000)).toBe(2);
    const second = inviteToken(await mailTo(email));
    expect(second).not.toBe(first);
    expect((await new HttpClient(panel.url).get(`/api/invites/${first}`)).status).toBe(404);
    expect((await accept(first, `old_${server.identifier}`)).res.status).toBe(404);
    expect((await accept(second, `new_${server.identifier}`)).res.status).toBe(200);
    expect((await o.post(`${base}/users/${created.body.attributes.uuid}/resend`)).status).toBe(409);
    const [rows] = await panel.app.pool.query('SELECT event FROM activity_logs WHERE server_id = ? ORDER BY id', [server.id]);
    expect((rows as Array<{ event: string }>).map((r) => r.event))
      .toEqual(['server:subuser.create', 'server:invite.resend', 'server:invite.accept']);
  });

  it('honours the expiry (410) with the injected clock, and the TTL the request asked for', async () => {
    const { server, o, base } = await ownerWorld();
    const email = `expiry-${server.identifier}@example.com`;
    await o.post(`${base}/users`, { email, permissions: [], invite_ttl_hours: 1 });
    const token = inviteToken(await mailTo(email));
    offsetMs += 59 * 60_000;
    expect((await new HttpClient(panel.url).get(`/api/invites/${token}`)).status).toBe(200);
    offsetMs += 2 * 60_000;
    const expired = await new HttpClient(panel.url).get(`/api/invites/${token}`);
    expect(expired.status).toBe(410);
    expect(expired.body.errors[0].code).toBe('InviteExpiredException');
    expect((await accept(token, `late_${server.identifier}`)).res.status).toBe(410);
    const [users] = await panel.app.pool.query('SELECT status FROM users WHERE email = ?', [email]);
    expect(users).toEqual([{ status: 'pending' }]);
    expect((await o.post(`${base}/users`, { email: `x-${email}`, permissions: [], invite_ttl_hours: 721 })).status).toBe(422);
  });

  it('deleting before acceptance revokes the link and removes the pending account', async () => {
    const { server, o, base } = await ownerWorld();
    const email = `revoked-${server.identifier}@example.com`;
    const created = await o.post(`${base}/users`, { email, permissions: [] });
    const token = inviteToken(await mailTo(email));
    expect((await o.delete(`${base}/users/${created.body.attributes.uuid}`)).status).toBe(204);
    expect((await new HttpClient(panel.url).get(`/api/invites/${token}`)).status).toBe(404);
    const [users] = await panel.app.pool.query('SELECT id FROM users WHERE email = ?', [email]);
    expect(users).toEqual([]);
  });

  it('keeps a pending account invited elsewhere, and one acceptance activates every invite of that address', async () => {
    const a = await ownerWorld();
    const b = await ownerWorld();
    const email = `two-${a.server.identifier}@example.com`;
    const onA = await a.o.post(`${a.base}/users`, { email, permissions: [] });
    await mailTo(email);
    await b.o.post(`${b.base}/users`, { email, permissions: ['file.read'] });
    const tokenB = inviteToken(await mailTo(email));
    expect((await a.o.delete(`${a.base}/users/${onA.body.attributes.uuid}`)).status).toBe(204);
    const [users] = await panel.app.pool.query('SELECT status FROM users WHERE email = ?', [email]);
    expect(users).toEqual([{ status: 'pending' }]);
    const { client, res } = await accept(tokenB, `two_${a.server.identifier}`);
    expect(res.status).toBe(200);
    expect((await client.get(`/api/client/servers/${b.server.uuid}`)).status).toBe(200);
    expect((await client.get(`/api/client/servers/${a.server.uuid}`)).status).toBe(404);
  });

  it('refuses a taken username and a non-JSON (cross-site form) body with 422, leaving the invite usable', async () => {
    const { server, o, base } = await ownerWorld();
    const taken = await makeUser(panel.app.db);
    const email = `taken-${server.identifier}@example.com`;
    await o.post(`${base}/users`, { email, permissions: [] });
    const token = inviteToken(await mailTo(email));
    const forged = await new HttpClient(panel.url).request('POST', `/api/invites/${token}/accept`,
      JSON.stringify({ username: `forged_${server.identifier}`, password: 'a long enough secret' }), { raw: true, headers: { 'content-type': 'text/plain' } });
    expect(forged.status).toBe(422);
    const refused = await accept(token, taken.username ?? '');
    expect(refused.res.status).toBe(422);
    expect(refused.res.body.errors[0].meta.source_field).toBe('username');
    expect((await accept(token, `free_${server.identifier}`)).res.status).toBe(200);
  });

  it('accepts a link once even when two requests race', async () => {
    const { server, o, base } = await ownerWorld();
    const email = `race-${server.identifier}@example.com`;
    await o.post(`${base}/users`, { email, permissions: [] });
    const token = inviteToken(await mailTo(email));
    const results = await Promise.all(['a', 'b'].map((n) => accept(token, `race_${n}_${server.identifier}`)));
    expect(results.map((r) => r.res.status).sort()).toEqual([200, 404]);
    const [users] = await panel.app.pool.query('SELECT username FROM users WHERE email = ?', [email]);
    const winner = results.find((r) => r.res.status === 200)?.res.body.data.user.username;
    expect(users).toEqual([{ username: winner }]);
  });
});
