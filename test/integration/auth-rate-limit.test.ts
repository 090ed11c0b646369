import { generate, generateSecret } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateUser } from '@db/repositories/users';
import { sealSecret } from '@server/auth/secret-box';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeUser, TEST_PASSWORD } from '../factories/records';

// Behind a trusted proxy, so each test can speak from addresses of its own (X-Forwarded-For).
let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel({ env: { TRUST_PROXY: 'true', LOGIN_RATE_LIMIT: '5', LOGIN_RATE_WINDOW_SECONDS: '60' } }); });
afterAll(async () => { await panel?.close(); });

const from = (ip: string) => new HttpClient(panel.url, undefined, { 'x-forwarded-for': ip });

function expectThrottled(res: Awaited<ReturnType<HttpClient['post']>>): void {
  expect(res.status).toBe(429);
  const retry = Number(res.headers.get('retry-after'));
  expect(retry).toBeGreaterThan(0);
  expect(retry).toBeLessThanOrEqual(60);
  expect(res.body.errors[0]).toMatchObject({ code: 'TooManyRequestsHttpException', status: '429' });
}

describe('sign-in rate limits', () => {
  it('refuses the 6th failed attempt on one account, even from new addresses and with the right password', async () => {
    const user = await makeUser(panel.app.db);
    for (let i = 1; i <= 5; i++) expect((await from(`10.1.0.${i}`).login(user.email, 'wrong')).status).toBe(401);
    expectThrottled(await from('10.1.0.6').login(user.email, TEST_PASSWORD));
    // The same address may still sign in to another account: the limit was the account's.
    const other = await makeUser(panel.app.db);
    expect((await from('10.1.0.6').login(other.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('refuses the 6th failed attempt from one address, whatever account it names', async () => {
    const user = await makeUser(panel.app.db);
    for (let i = 1; i <= 5; i++) expect((await from('10.2.0.1').login(`nobody-${i}@example.com`, 'wrong')).status).toBe(401);
    expectThrottled(await from('10.2.0.1').login(user.email, TEST_PASSWORD));
    expect((await from('10.2.0.2').login(user.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('does not count successful sign-ins', async () => {
    const user = await makeUser(panel.app.db);
    for (let i = 0; i < 8; i++) expect((await from('10.3.0.1').login(user.email, TEST_PASSWORD)).status).toBe(200);
  });

  it('limits the 2FA checkpoint per account too', async () => {
    const secret = generateSecret();
    const user = await makeUser(panel.app.db);
    await updateUser(panel.app.db, user.id, { totpEnabled: true, totpSecret: sealSecret(panel.app.secrets.appKey, 'totp-secret', secret) });
    const c = from('10.4.0.1');
    const login = await c.login(user.email, TEST_PASSWORD);
    expect(login.body.data.complete).toBe(false);
    const token = login.body.data.confirmation_token as string;
    for (let i = 0; i < 5; i++) {
      expect((await c.post('/auth/login/checkpoint', { confirmation_token: token, authentication_code: '000000' })).status).toBe(401);
    }
    expectThrottled(await c.post('/auth/login/checkpoint', { confirmation_token: token, authentication_code: await generate({ secret }) }));
  });
});
