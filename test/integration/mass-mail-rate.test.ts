import { giveAdminRole } from '../factories/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeUser, TEST_PASSWORD } from '../factories/records';
import { TestSmtp } from './mass-mail-support';

/** MAIL_RATE_PER_MINUTE holds a blast once the rolling minute is full, and lets it go on when the minute has passed. */
const smtp = new TestSmtp();
let panel: TestPanel;
let admin: UserRow;
/** The panel's clock: real time plus an offset the test moves forward. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  const url = await smtp.start();
  panel = await startTestPanel({ env: { SMTP_URL: url, RUNNER_TICK_MS: '50', MAIL_RATE_PER_MINUTE: '2' }, clock });
  admin = await giveAdminRole(panel.app.db, await makeUser(panel.app.db, { rootAdmin: true }));
});
afterAll(async () => {
  await panel?.close();
  await smtp.close();
});

async function blastState(c: HttpClient, uuid: string, until: (b: { status: string; throttled_until: string | null }) => boolean) {
  for (;;) {
    const res = await c.get(`/api/application/mail/blasts/${uuid}`);
    if (until(res.body.attributes)) return res.body.attributes;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the mass-mail rate limit', () => {
  it('sends two a minute with MAIL_RATE_PER_MINUTE=2, the third after the minute', async () => {
    for (let i = 0; i < 3; i++) await makeUser(panel.app.db);
    const c = new HttpClient(panel.url);
    await c.login(admin.email, TEST_PASSWORD);
    await c.get('/api/client');
    const res = await c.post('/api/application/mail/blasts', { subject: 'Rate', body: 'Hi {{ user.name }}', audience: { admin: false } });
    expect(res.status, res.text).toBe(202);
    const uuid = res.body.attributes.uuid as string;

    const held = await blastState(c, uuid, (b) => b.throttled_until !== null);
    expect(smtp.inbox).toHaveLength(2);
    expect(held.progress).toEqual({ pending: 1, sending: 0, sent: 2, failed: 0 });
    expect(Date.parse(held.throttled_until)).toBeGreaterThan(clock.now().getTime());

    offsetMs += 61_000; // the rolling minute has passed
    const done = await blastState(c, uuid, (b) => b.status === 'done');
    expect(smtp.inbox).toHaveLength(3);
    expect(done).toMatchObject({ throttled_until: null, progress: { pending: 0, sending: 0, sent: 3, failed: 0 } });
  });
});
