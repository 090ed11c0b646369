import type { Browser } from 'playwright-core';
import { giveAdminRole } from '../factories/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser } from '../factories/records';
import { TestSmtp } from '../integration/mass-mail-support';
import { launchBrowser, screenshot, signedInPage } from './support';

/** The Mass Mail page in Chromium: live count, preview, test to me, send, progress and the Email Log. */
const smtp = new TestSmtp();
let panel: TestPanel;
let browser: Browser;
let admin: UserRow;
let withServer: UserRow;
beforeAll(async () => {
  const url = await smtp.start();
  panel = await startTestPanel({ env: { SMTP_URL: url, RUNNER_TICK_MS: '100' } });
  admin = await giveAdminRole(panel.app.db, await makeUser(panel.app.db, { rootAdmin: true, username: 'chief' }));
  withServer = await makeUser(panel.app.db, { username: 'player<one>' });
  await makeServer(panel.app.db, withServer);
  await makeUser(panel.app.db); // no servers
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
  await smtp.close();
});

describe('the Mass Mail page', () => {
  it('counts the audience live, previews, sends a test and a blast, and lists both in the Email Log', async () => {
    const { page, context } = await signedInPage(browser, panel.url, admin.email);
    await page.goto('/admin/mail');
    await page.getByRole('heading', { name: 'Mass Mail' }).waitFor();
    await expect.poll(() => page.getByTestId('audience-count').textContent()).toContain('3 recipients');
    await page.getByTestId('audience-servers').selectOption('yes');
    await expect.poll(() => page.getByTestId('audience-count').textContent()).toContain('1 recipient');
    expect(await page.getByTestId('audience-count').textContent()).toContain(withServer.email);

    await page.getByLabel('Subject').fill('Maintenance');
    await page.getByTestId('mail-body').fill('Hello {{{ user.name }}}');
    await page.getByTestId('mail-preview').click();
    await expect.poll(() => page.locator('[data-error-for="mail-body"]').textContent()).toContain('unescaped');
    await page.getByTestId('mail-body').fill('Hello {{ user.name }}, we restart at 22:00.');
    await page.getByTestId('mail-preview').click();
    await expect.poll(() => page.getByTestId('preview-text').textContent()).toBe('Hello chief, we restart at 22:00.');

    await page.getByTestId('mail-test').click();
    await expect.poll(() => page.getByTestId('mail-notice').textContent()).toBe(`Test sent to ${admin.email}.`);
    expect((await smtp.received(1))[0]?.to).toEqual([admin.email]);

    await page.getByTestId('mail-send').click();
    await page.getByTestId('mail-confirm').click();
    await expect.poll(() => page.getByTestId('mail-notice').textContent()).toBe('Queued for 1 recipient.');
    await expect.poll(() => page.locator('[data-test="blasts"] li').first().getAttribute('data-status'), { timeout: 20_000 }).toBe('done');
    expect((await smtp.received(2))[1]?.to).toEqual([withServer.email]);
    await expect.poll(() => page.locator('[data-test="email-log"] tbody tr[data-status="sent"]').count(), { timeout: 20_000 }).toBe(2);

    await page.getByTestId('log-kind').selectOption('mass-mail');
    await page.getByTestId('log-filter').click();
    await expect.poll(() => page.locator('[data-test="email-log"] tbody tr[data-status]').allTextContents())
      .toEqual([expect.stringContaining(withServer.email)]);
    await screenshot(page, 'mass-mail');
    await context.close();
  });

  it('shows a non-admin the server\'s refusal, not the tool', async () => {
    const { page, context } = await signedInPage(browser, panel.url, withServer.email);
    await page.goto('/admin/mail');
    await expect.poll(() => page.getByTestId('mail-error').textContent()).toContain('This action is unauthorized.');
    await context.close();
  });
});
