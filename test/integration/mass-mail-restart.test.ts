import { giveAdminRole } from '../factories/admin';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootCohost, type Cohost } from '@server/boot';
import { INTERRUPTED_ERROR } from '@server/services/mail/deliver-blast';
import type { UserRow } from '@db/schema/users';
import { createTestDatabase, type TestDatabase } from '../factories/database';
import { HttpClient } from '../factories/http';
import { makeUser, TEST_PASSWORD } from '../factories/records';
import { TestSmtp } from './mass-mail-support';

/**
 * A blast survives a restart: two panel boots over one database. The first stops while a message is in flight; the
 * second finishes the blast. Nobody gets two copies and everyone gets one.
 */
const smtp = new TestSmtp();
let database: TestDatabase;
let dataDir: string;
let smtpUrl: string;
let admin: UserRow;

function boot(): Promise<Cohost> {
  return bootCohost({
    env: {
      DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SFTP_PORT: '0', SFTP_HOST: '127.0.0.1',
      APP_KEY: 'k'.repeat(48), SESSION_SECRET: 's'.repeat(48), SMTP_URL: smtpUrl, RUNNER_TICK_MS: '50', RUNNER_LEASE_MS: '2000',
      MAIL_RATE_PER_MINUTE: '1000', LOG_LEVEL: process.env.COHOST_TEST_LOG ?? 'silent',
    },
  });
}

async function adminClient(panel: Cohost): Promise<HttpClient> {
  const c = new HttpClient(panel.url);
  expect((await c.login(admin.email, TEST_PASSWORD)).status).toBe(200);
  await c.get('/api/client');
  return c;
}

async function recipients(panel: Cohost, uuid: string): Promise<Array<{ email: string; status: string; error: string | null }>> {
  const [rows] = await panel.app.pool.query(
    'SELECT r.email, r.status, r.error FROM mail_recipients r JOIN mail_blasts b ON b.id = r.blast_id WHERE b.uuid = ? ORDER BY r.id', [uuid]);
  return rows as Array<{ email: string; status: string; error: string | null }>;
}

async function untilDone(panel: Cohost, uuid: string): Promise<void> {
  for (;;) {
    const [rows] = await panel.app.pool.query('SELECT status FROM mail_blasts WHERE uuid = ?', [uuid]);
    if ((rows as Array<{ status: string }>)[0]?.status === 'done') return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a blast to the users made here (created after `since`) and stops panel A while message n+1 is in flight. */
async function blastCutShort(users: number, n: number): Promise<{ uuid: string; emails: string[] }> {
  const a = await boot();
  const since = new Date(Date.now() - 1000).toISOString();
  const emails: string[] = [];
  for (let i = 0; i < users; i++) emails.push((await makeUser(a.app.db)).email);
  const held = smtp.holdAfter(smtp.inbox.length + n);
  const c = await adminClient(a);
  const res = await c.post('/api/application/mail/blasts', { subject: 'Restart {{ user.email }}', body: 'Hello {{ user.name }}', audience: { admin: false, created_after: since } });
  expect(res.status, res.text).toBe(202);
  await held;
  const closing = a.close();
  while (!a.app.work.stopping) await new Promise((r) => setTimeout(r, 10));
  smtp.release(); // the in-flight message completes; the run then stops before claiming the next one
  await closing;
  return { uuid: res.body.attributes.uuid as string, emails };
}

beforeAll(async () => {
  smtpUrl = await smtp.start();
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-mail-'));
  admin = await giveAdminRole(database.handle.db, await makeUser(database.handle.db, { rootAdmin: true, createdAt: new Date('2019-01-01T00:00:00Z') }));
});
afterAll(async () => {
  await database?.drop();
  await smtp.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a blast across a restart', () => {
  it('is finished by the next boot: everyone gets exactly one copy', async () => {
    const before = smtp.inbox.length;
    const { uuid, emails } = await blastCutShort(8, 3);
    expect(smtp.inbox.length - before).toBe(4);
    const b = await boot();
    try {
      const halfway = await recipients(b, uuid);
      expect(halfway.filter((r) => r.status === 'sent')).toHaveLength(4);
      expect(halfway.filter((r) => r.status === 'pending')).toHaveLength(4);
      await untilDone(b, uuid);
      const got = smtp.inbox.slice(before).map((m) => m.to[0]);
      expect(got.sort()).toEqual([...emails].sort());
      expect((await recipients(b, uuid)).every((r) => r.status === 'sent')).toBe(true);
      const [log] = await b.app.pool.query(
        "SELECT COUNT(*) AS n FROM email_log l JOIN mail_blasts x ON x.id = l.blast_id WHERE x.uuid = ? AND l.status = 'sent'", [uuid]);
      expect(log).toEqual([{ n: 8 }]);
    } finally {
      await b.close();
    }
  });

  it('never resends a message a panel claimed and did not finish (it crashed mid-send)', async () => {
    const before = smtp.inbox.length;
    const { uuid, emails } = await blastCutShort(5, 1);
    // What a panel killed between claiming a recipient and hearing back from SMTP leaves behind.
    const [claimed] = await database.handle.pool.query(
      "SELECT r.id, r.email FROM mail_recipients r JOIN mail_blasts b ON b.id = r.blast_id WHERE b.uuid = ? AND r.status = 'pending' ORDER BY r.id LIMIT 1", [uuid]);
    const crashed = (claimed as Array<{ id: number; email: string }>)[0]!;
    await database.handle.pool.query("UPDATE mail_recipients SET status = 'sending', claimed_at = NOW(3) WHERE id = ?", [crashed.id]);
    const b = await boot();
    try {
      await untilDone(b, uuid);
      const counts = smtp.counts();
      expect(smtp.inbox.slice(before).map((m) => m.to[0]).sort()).toEqual(emails.filter((e) => e !== crashed.email).sort());
      expect(counts.get(crashed.email)).toBeUndefined();
      const rows = await recipients(b, uuid);
      expect(rows.find((r) => r.email === crashed.email)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
      expect(rows.filter((r) => r.status === 'sent')).toHaveLength(4);
    } finally {
      await b.close();
    }
  });
});
