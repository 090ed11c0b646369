import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, selectors, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TEST_PASSWORD } from '../factories/records';

/** Debian's Chromium, never a downloaded one (common brief). */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  // The UI marks elements for tests with data-test.
  selectors.setTestIdAttribute('data-test');
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A fresh context (own cookies) signed in through the real login page. */
export async function signedInPage(browser: Browser, baseURL: string, login: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username or Email').fill(login);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  return { context, page };
}

const SHOTS = path.resolve(import.meta.dirname, '../../docs/screenshots');

/** Writes docs/screenshots/<name>.png when COHOST_SCREENSHOTS=1 (so ordinary test runs leave the tree clean). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.COHOST_SCREENSHOTS !== '1') return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: name !== 'console' });
}
