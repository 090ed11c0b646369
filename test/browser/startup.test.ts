import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { findServerByRef } from '@db/repositories/servers';
import { saveServerStartup, serverVariableValues } from '@db/repositories/startup';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/** The Startup and Settings tabs: each control present only with its key, and each doing what it says. */
let panel: TestPanel;
let browser: Browser;
let owner: UserRow;
let reader: UserRow;
let renamer: UserRow;
let server: ServerRow;

const row = async () => (await findServerByRef(panel.app.db, server.uuid))!;

beforeAll(async () => {
  panel = await startTestPanel();
  owner = await makeUser(panel.app.db);
  reader = await makeUser(panel.app.db);
  renamer = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  await saveServerStartup(panel.app.db, { serverId: server.id, softwareId: 'sample-game', dockerImage: 'ghcr.io/pterodactyl/yolks:nodejs_20', updatedAt: new Date() });
  await makeSubuser(panel.app.db, server, reader, ['startup.read']);
  await makeSubuser(panel.app.db, server, renamer, ['settings.rename']);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the Startup tab', () => {
  it('lets the owner edit a variable with inline validation, the command, and switch software after a confirmation', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}/startup`);
    const world = page.getByLabel('World name');
    await world.waitFor();
    await world.fill('bad world!');
    await page.locator('[data-error-for="var-WORLD_NAME"]').filter({ hasText: 'may only contain letters' }).waitFor();
    await world.fill('new_world');
    expect(await page.locator('[data-error-for="var-WORLD_NAME"]').textContent()).toBe('');
    await world.press('Enter');
    await page.locator('[data-variable="WORLD_NAME"] [data-test="variable-saved"]').waitFor();
    expect((await serverVariableValues(panel.app.db, server.id)).get('WORLD_NAME')).toBe('new_world');

    await page.getByLabel('Command template').fill('node sample-game-server.mjs --world={{WORLD_NAME}}');
    await page.getByRole('button', { name: 'Save Command' }).click();
    await page.getByTestId('startup-command').filter({ hasText: 'node sample-game-server.mjs --world=new_world' }).waitFor();
    expect((await row()).startupCommand).toBe('node sample-game-server.mjs --world={{WORLD_NAME}}');
    await screenshot(page, 'startup');

    await page.getByLabel('Switch to').selectOption('paper');
    await page.getByRole('button', { name: 'Change Software' }).click();
    const dialog = page.getByRole('dialog', { name: 'Switch to Paper (Minecraft-style)?' });
    await dialog.getByText('resets the startup command, the Docker image and every variable').waitFor();
    await dialog.getByRole('button', { name: 'Change Software' }).click();
    await page.getByRole('status').filter({ hasText: 'The install has started' }).waitFor();
    await expect.poll(async () => (await row()).status, { timeout: 15_000 }).toBeNull();
    expect((await row()).startupCommand).toBe('node {{SERVER_JARFILE}} --memory={{SERVER_MEMORY}}M nogui');
    await context.close();
  });

  it('shows a subuser holding only startup.read the values but no control, and no Settings tab', async () => {
    const { page, context } = await signedInPage(browser, panel.url, reader.email);
    await page.goto(`/server/${server.identifier}/startup`);
    await page.getByTestId('startup-command').waitFor();
    expect(await page.getByLabel('Minecraft Version').getAttribute('readonly')).not.toBeNull();
    expect(await page.getByLabel('Command template').count()).toBe(0);
    expect(await page.getByLabel('Image').isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Change Software' }).count()).toBe(0);
    expect(await page.locator('[data-tab="settings"]').count()).toBe(0);
    expect(await page.locator('[data-tab="startup"]').count()).toBe(1);
    await context.close();
  });
});

describe('the Settings tab', () => {
  it('gives a subuser with settings.rename the rename card only', async () => {
    const { page, context } = await signedInPage(browser, panel.url, renamer.email);
    await page.goto(`/server/${server.identifier}/settings`);
    await page.getByTestId('rename-card').waitFor();
    expect(await page.locator('[data-tab="startup"]').count()).toBe(0);
    expect(await page.getByTestId('reinstall-card').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Transfer Ownership' }).count()).toBe(0);
    await page.getByLabel('Server Name').fill('Renamed in Chromium');
    await page.getByLabel('Description').fill('With a description');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect([(await row()).name, (await row()).description]).toEqual(['Renamed in Chromium', 'With a description']);
    await context.close();
  });

  it('lets the owner reinstall after a confirmation', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}/settings`);
    await page.getByRole('button', { name: 'Reinstall Server' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reinstall' }).click();
    await page.getByRole('status').filter({ hasText: 'The reinstall has started' }).waitFor();
    await expect.poll(async () => (await row()).status, { timeout: 15_000 }).toBeNull();
    const [acts] = await panel.app.pool.query("SELECT COUNT(*) AS n FROM activity_logs WHERE server_id = ? AND event = 'server:reinstall'", [server.id]);
    expect((acts as Array<{ n: number }>)[0]?.n).toBe(1);
    await context.close();
  });
});
