import mysql from 'mysql2/promise';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { registerTestHost, testServerAddress, type TestHost } from '../factories/databases';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { HttpClient } from '../factories/http';
import { makeApiKey, makeServer, makeSubuser, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/**
 * The Databases tab (issue 15) in Debian's Chromium against a real panel and a real MariaDB host: what the owner
 * creates there works with the credentials the page shows; a reader without view_password never sees a password.
 */
let panel: TestPanel;
let host: TestHost;
let browser: Browser;
let server: ServerRow;
let owner: UserRow;
let reader: UserRow;
let outsider: UserRow;

beforeAll(async () => {
  panel = await startTestPanel({ env: { SERVER_THROTTLES: 'database.create=100/60' } });
  host = await registerTestHost(panel.app);
  owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  reader = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, reader, ['database.read']);
  outsider = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, outsider, ['file.read']);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.cleanup();
  await panel?.close();
});

const row = (page: Page, name: string) => page.locator(`li[data-database="${name}"]`);

async function openTab(page: Page): Promise<void> {
  await page.goto(`/server/${server.identifier}/databases`);
  await page.getByRole('heading', { name: 'Databases' }).waitFor();
}

async function canConnect(user: string, password: string, database: string): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ ...testServerAddress(), user, password, database });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

describe('the Databases tab, as the owner', () => {
  let context: BrowserContext;
  let page: Page;
  const name = 'shop';
  let full: string;

  beforeAll(async () => {
    ({ context, page } = await signedInPage(browser, panel.url, owner.email));
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: panel.url });
    full = `s${server.id}_${name}`;
  });

  it('shows the field error from the server, then creates a database with its remote', async () => {
    await openTab(page);
    expect(await page.getByRole('link', { name: 'Databases' }).count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'New Database' }).click();
    await page.getByLabel('Database name').fill('ab');
    await page.getByRole('button', { name: 'Create database' }).click();
    await expect.poll(() => page.locator('[data-error-for="database-name"]').textContent()).toMatch(/at least 3/);
    await page.getByLabel('Database name').fill(name);
    await page.getByLabel('Connections from').fill('%');
    await page.getByRole('button', { name: 'Create database' }).click();
    await row(page, full).waitFor();
    expect(await row(page, full).getByTestId('remote').textContent()).toBe('%');
    expect(await row(page, full).getByTestId('endpoint').textContent()).toBe(`${host.host.host}:${host.host.port}`);
    expect(await page.getByTestId('database-count').textContent()).toBe('1 database');
    await screenshot(page, 'databases-tab');
  });

  it('shows copyable JDBC and URL strings whose credentials really connect', async () => {
    await openTab(page);
    await row(page, full).getByRole('button', { name: `Details of ${full}` }).click();
    const username = (await row(page, full).getByTestId('username').textContent()) ?? '';
    const password = await row(page, full).locator('input[id^="password-"]').inputValue();
    expect(password).toHaveLength(24);
    const jdbc = await row(page, full).locator('input[id^="jdbc-"]').inputValue();
    expect(jdbc).toBe(`jdbc:mysql://${username}:${encodeURIComponent(password)}@${host.host.host}:${host.host.port}/${full}`);
    expect(await row(page, full).locator('input[id^="url-"]').inputValue()).toBe(jdbc.slice('jdbc:'.length));
    await row(page, full).getByRole('button', { name: 'Copy JDBC connection string' }).click();
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(jdbc);
    expect(await canConnect(username, password, full)).toBe(true);
  });

  it('rotates the password: the page shows the new one, the old one stops working', async () => {
    await openTab(page);
    await row(page, full).getByRole('button', { name: `Details of ${full}` }).click();
    const username = (await row(page, full).getByTestId('username').textContent()) ?? '';
    const before = await row(page, full).locator('input[id^="password-"]').inputValue();
    await row(page, full).getByRole('button', { name: `Rotate password of ${full}` }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/was rotated/);
    const after = await row(page, full).locator('input[id^="password-"]').inputValue();
    expect(after).not.toBe(before);
    expect(await canConnect(username, before, full)).toBe(false);
    expect(await canConnect(username, after, full)).toBe(true);
  });

  it('deletes only after the name is typed into the confirmation', async () => {
    await openTab(page);
    await row(page, full).getByRole('button', { name: `Details of ${full}` }).click();
    const username = (await row(page, full).getByTestId('username').textContent()) ?? '';
    const password = await row(page, full).locator('input[id^="password-"]').inputValue();
    await row(page, full).getByRole('button', { name: `Delete ${full}` }).click();
    const confirm = page.getByTestId('dialog-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel(/to confirm/).fill(full);
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();
    await expect.poll(() => row(page, full).count()).toBe(0);
    expect(await canConnect(username, password, full)).toBe(false);
  });
});

describe('the Databases tab, as a reader without view_password', () => {
  it('lists host, name, user and remote, offers no controls, and never shows a password', async () => {
    const owned = await makeOwnerDatabase();
    const { page } = await signedInPage(browser, panel.url, reader.email);
    await openTab(page);
    await row(page, owned).waitFor();
    expect(await page.getByRole('button', { name: 'New Database' }).count()).toBe(0);
    expect(await row(page, owned).getByRole('button', { name: /^Rotate/ }).count()).toBe(0);
    expect(await row(page, owned).getByRole('button', { name: /^Delete/ }).count()).toBe(0);
    await row(page, owned).getByRole('button', { name: `Details of ${owned}` }).click();
    await row(page, owned).getByTestId('password-hidden').waitFor();
    const jdbc = await row(page, owned).locator('input[id^="jdbc-"]').inputValue();
    expect(jdbc).toMatch(new RegExp(`^jdbc:mysql://u${server.id}_[A-Za-z0-9]{10}@`));
    expect(await row(page, owned).locator('input[id^="password-"]').count()).toBe(0);
  });

  it('is not offered to a member without database.read', async () => {
    const { page } = await signedInPage(browser, panel.url, outsider.email);
    await page.goto(`/server/${server.identifier}/files`);
    await page.getByRole('link', { name: 'Files' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'Databases' }).count()).toBe(0);
  });
});

/** A database made through the API as the owner (the reader's view of someone else's work). */
async function makeOwnerDatabase(): Promise<string> {
  const c = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, owner));
  const res = await c.post(`/api/client/servers/${server.uuid}/databases`, { database: 'readers' });
  if (res.status !== 200) throw new Error(res.text);
  return res.body.attributes.name as string;
}
