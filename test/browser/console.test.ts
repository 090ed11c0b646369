import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/** The console page against a real panel, bridge and the bundled sample game server. */
let panel: TestPanel;
let browser: Browser;
let owner: UserRow;
let viewer: UserRow;
let server: ServerRow;

const terminalText = (page: Page) => page.locator('.xterm-rows').innerText();

beforeAll(async () => {
  panel = await startTestPanel();
  owner = await makeUser(panel.app.db);
  viewer = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  await makeSubuser(panel.app.db, server, viewer, ['control.start']);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the console', () => {
  it('shows the server output and sends commands for the owner', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}/console`);
    await page.getByRole('heading', { name: 'Console' }).waitFor();
    const input = page.getByLabel('Command');
    await page.locator('[data-power="start"]:not([disabled])').click();
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toContain('For help, type "help"');
    await expect.poll(() => input.isEnabled()).toBe(true);
    await input.fill('say hello from the browser');
    await input.press('Enter');
    await expect.poll(() => terminalText(page), { timeout: 10_000 }).toContain('[Server] hello from the browser');
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('running');
    // Live stats arrive over the socket while the server runs: the memory figure is a real measurement.
    const memory = page.locator('.stat', { hasText: 'Memory' }).locator('dd');
    await expect.poll(() => memory.textContent(), { timeout: 15_000 }).toMatch(/^[1-9][\d.]* (KiB|MiB|GiB)$/);
    // The directory holds at least the provisioned sample server, measured after the start.
    await expect.poll(() => page.locator('.stat', { hasText: 'Disk' }).locator('dd').textContent(), { timeout: 15_000 }).not.toBe('0 B');
    await screenshot(page, 'console');
    await context.close();
  });

  it('refuses input to a subuser without control.console, and enables it live when the key is granted', async () => {
    const { page, context } = await signedInPage(browser, panel.url, viewer.email);
    await page.goto(`/server/${server.identifier}/console`);
    await expect.poll(() => terminalText(page), { timeout: 20_000 }).toContain('For help, type "help"');
    const input = page.getByLabel('Command');
    expect(await input.isDisabled()).toBe(true);
    expect(await input.getAttribute('placeholder')).toBe('You do not have permission to send commands.');
    expect(await page.locator('[data-power="stop"]').isDisabled()).toBe(true);

    const ownerApi = new HttpClient(panel.url);
    await ownerApi.login(owner.email, TEST_PASSWORD);
    const res = await ownerApi.post(`/api/client/servers/${server.identifier}/users/${viewer.uuid}`, { permissions: ['control.start', 'control.console'] });
    expect(res.status).toBe(200);
    await expect.poll(() => input.isEnabled(), { timeout: 10_000 }).toBe(true);
    await context.close();
  });
});
