import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/** The Schedules tab in Chromium: create with the cron helper, tasks in sequence, run now; controls follow the keys. */
let panel: TestPanel;
let browser: Browser;
let owner: UserRow;
let server: ServerRow;
beforeAll(async () => {
  panel = await startTestPanel({ env: { APP_TIMEZONE: 'Europe/Berlin' } });
  owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const tasksIn = async (card: import('playwright-core').Locator) => (await card.locator('.task-row__what').allTextContents()).map((t) => t.trim());

describe('the Schedules tab', () => {
  it('creates a schedule with the cron helper, adds tasks in sequence and runs it now', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}`);
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    await page.getByRole('button', { name: 'New Schedule' }).click();
    await page.getByLabel('Name').fill('Restart nightly');
    await page.getByLabel('Minute').fill('99');
    await expect.poll(() => page.getByTestId('cron-error').count()).toBe(1);
    await page.getByLabel('Minute').fill('*/15');
    await expect.poll(() => page.getByTestId('cron-run').count()).toBe(5);
    expect(await page.getByTestId('cron-helper').textContent()).toContain('Europe/Berlin');
    await page.getByRole('button', { name: 'Create Schedule' }).click();
    const card = page.locator('[data-schedule="Restart nightly"]');
    await card.waitFor();
    expect(await page.getByTestId('schedule-count').textContent()).toBe('1 schedule');
    await card.getByRole('button', { name: /Restart nightly/ }).click();
    expect(await card.getByRole('button', { name: 'Run Now' }).isDisabled()).toBe(true); // no tasks yet

    await card.getByRole('button', { name: 'New Task' }).click();
    await card.getByLabel('Command').fill('say hello');
    await card.getByRole('button', { name: 'Add Task' }).click();
    await expect.poll(() => tasksIn(card)).toEqual(['Send command: say hello']);
    await card.getByRole('button', { name: 'New Task' }).click();
    await card.getByLabel('Action').selectOption('power');
    await card.getByLabel('Signal').selectOption('restart');
    await card.getByLabel('Position').selectOption('1');
    await card.getByLabel('Wait before it (seconds, 0–900)').fill('30');
    await card.getByRole('button', { name: 'Add Task' }).click();
    await expect.poll(() => tasksIn(card)).toEqual(['Power: restart', 'Send command: say hello']);
    // A backup task: its payload is the backup's ignored files.
    await card.getByRole('button', { name: 'New Task' }).click();
    await card.getByLabel('Action').selectOption('backup');
    await card.getByLabel('Ignored files').fill('*.log');
    await card.getByRole('button', { name: 'Add Task' }).click();
    await expect.poll(async () => (await tasksIn(card)).includes('Create backup')).toBe(true);
    await screenshot(page, 'schedules-tab');

    await card.getByRole('button', { name: 'Run Now' }).click();
    await card.getByText('The schedule was started.').waitFor();
    const [row] = (await panel.app.pool.query('SELECT COUNT(*) AS n FROM activity_logs WHERE server_id = ? AND event = ?', [server.id, 'server:schedule.execute']))[0] as Array<{ n: number }>;
    expect(Number(row?.n)).toBe(1);
    await context.close();
  });

  it('shows a read-only tab to schedule.read, and no tab without it', async () => {
    const reader = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, reader, ['schedule.read']);
    const { page, context } = await signedInPage(browser, panel.url, reader.email);
    await page.goto(`/server/${server.identifier}/schedules`);
    const card = page.locator('[data-schedule="Restart nightly"]');
    await card.waitFor();
    await card.getByRole('button', { name: /Restart nightly/ }).click();
    await card.locator('.task-row').first().waitFor();
    expect(await page.getByRole('button', { name: 'New Schedule' }).count()).toBe(0);
    for (const name of ['Run Now', 'Edit', 'New Task', 'Delete', 'Remove']) expect(await card.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    await context.close();

    const outsider = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, outsider, ['control.console']);
    const other = await signedInPage(browser, panel.url, outsider.email);
    await other.page.goto(`/server/${server.identifier}`);
    await other.page.getByRole('link', { name: 'Console' }).waitFor();
    expect(await other.page.getByRole('link', { name: 'Schedules' }).count()).toBe(0);
    await other.context.close();
  });
});
