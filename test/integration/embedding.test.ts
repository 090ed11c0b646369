import express from 'express';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus, type MailMessage, type Mailer } from '@server/embed';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';

/** A host panel's own mail adapter: it keeps what it is given (the host would hand it to its mail system). */
class HostMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> { this.sent.push(message); }
}

const mailer = new HostMailer();
const bus = new InProcessBus();
let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel({ adapters: { mailer, bus } }); });
afterAll(async () => { await panel?.close(); await bus.close(); });

describe('embedding in a host panel', () => {
  it('sends invites through the host\'s mailer', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const client = new HttpClient(panel.url);
    await client.login(owner.email, TEST_PASSWORD);
    const res = await client.post(`/api/client/servers/${server.uuid}/users`, { email: 'friend@example.com', permissions: ['control.console'] });
    expect(res.status).toBe(200);
    expect(mailer.sent.map((m) => m.to)).toContain('friend@example.com');
    expect(mailer.sent.at(-1)?.link).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
  });

  it('publishes revocations on the host\'s bus', async () => {
    const seen: string[] = [];
    const stop = bus.subscribe((r) => { seen.push(`${r.userUuid}:${r.serverUuid}`); });
    const owner = await makeUser(panel.app.db);
    const friend = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const client = new HttpClient(panel.url);
    await client.login(owner.email, TEST_PASSWORD);
    await client.post(`/api/client/servers/${server.uuid}/users`, { email: friend.email, permissions: ['file.read'] });
    expect(seen).toContain(`${friend.uuid}:${server.uuid}`);
    stop();
  });

  it('can be mounted under a prefix of the host\'s own Express app', async () => {
    const host = express();
    host.get('/', (_req, res) => { res.send('host home'); });
    host.use('/cohost', panel.http.listeners('request')[0] as express.RequestHandler);
    const http = createServer(host);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const res = await new HttpClient(base).get('/cohost/api/health');
      expect(res.body).toEqual({ ok: true, db: 'up' });
      expect((await new HttpClient(base).get('/')).text).toBe('host home');
    } finally {
      http.close();
    }
  });
});
