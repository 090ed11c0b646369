import { generate } from 'otplib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeUser, TEST_PASSWORD } from '../factories/records';
import { launchBrowser, signedInPage } from './support';

/** Account page: 2FA enrolment (secret, recovery codes) then the sign-in checkpoint; an API key's secret shown once. */
let panel: TestPanel;
let browser: Browser;
let user: UserRow;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const codeAt = (secret: string) => generate({ secret, epoch: Math.floor((Date.now() + offsetMs) / 1000) });

beforeAll(async () => {
  panel = await startTestPanel({ clock });
  user = await makeUser(panel.app.db);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the account page', () => {
  it('enrols 2FA, shows the recovery codes once, and the next sign-in asks for a code', async () => {
    const { page, context } = await signedInPage(browser, panel.url, user.email);
    await page.goto('/account');
    await page.getByRole('button', { name: 'Enable Two-Step' }).click();
    const secret = (await page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    expect(await page.getByRole('img', { name: /QR code/ }).count()).toBe(1);
    await page.getByLabel('Code From Authenticator').fill(await codeAt(secret));
    await page.getByLabel('Account Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Enable', exact: true }).click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('Username or Email').fill(user.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    offsetMs = 30_000; // the next time step: the enrolment used this one
    await page.getByLabel('Authentication Code').fill(await codeAt(secret));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await context.close();
  });

  it('shows a new API key secret once', async () => {
    const other = await makeUser(panel.app.db);
    const { page, context } = await signedInPage(browser, panel.url, other.email);
    await page.goto('/account');
    await page.getByLabel('Description').fill('deploy script');
    await page.getByRole('button', { name: 'Create API Key' }).click();
    await page.getByTestId('api-secret').waitFor();
    expect(await page.getByTestId('api-secret').locator('code').textContent()).toMatch(/^ptlc_/);
    await page.getByText('deploy script').waitFor();
    await page.reload();
    await page.getByText('deploy script').waitFor();
    expect(await page.getByTestId('api-secret').count()).toBe(0);
    await context.close();
  });
});
