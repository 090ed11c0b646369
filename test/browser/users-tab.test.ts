import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSIGNABLE_KEYS } from '@contracts/presets';
import { findSubuser } from '@db/repositories/subusers';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/**
 * The Users tab and the permission grid (issue 7, seed 004), driven through Debian's Chromium against the built UI
 * and a real panel. `manager` is a subuser holding user.* and a few file keys; `target` holds keys the manager lacks.
 */
const MANAGER_KEYS = ['user.create', 'user.read', 'user.update', 'user.delete', 'file.read', 'file.read-content', 'file.create'];
const TARGET_KEYS = ['file.read', 'backup.read', 'control.console'];

let panel: TestPanel;
let browser: Browser;
let page: Page;
let server: ServerRow;
let manager: UserRow;
let target: UserRow;

const row = (email: string) => page.locator(`li[data-email="${email}"]`);
const toggle = (key: string) => page.locator(`[data-key="${key}"] input`);

async function openUsers() {
  await page.goto(`/server/${server.identifier}/users`);
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await row(manager.email).waitFor();
}

beforeAll(async () => {
  panel = await startTestPanel();
  const owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  manager = await makeUser(panel.app.db);
  target = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, manager, MANAGER_KEYS);
  await makeSubuser(panel.app.db, server, target, TARGET_KEYS);
  browser = await launchBrowser();
  ({ page } = await signedInPage(browser, panel.url, manager.email));
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the Users tab, seen by a subuser holding user.* and a few file keys', () => {
  it('shows the running count, MFA labels and permission counts without websocket.connect', async () => {
    await openUsers();
    await expect.poll(() => page.getByTestId('user-count').textContent()).toBe('2 users');
    await expect.poll(() => page.getByRole('link', { name: 'New User' }).count()).toBe(1);
    expect(await row(target.email).getByTestId('mfa').textContent()).toContain('MFA Disabled');
    expect((await row(target.email).getByTestId('count').textContent())?.trim()).toBe(`${TARGET_KEYS.length} Permissions`);
    await screenshot(page, 'users-tab');
  });

  it('offers no Edit or Delete on the own row, and both on the other row', async () => {
    await openUsers();
    expect(await row(manager.email).getByRole('button').count()).toBe(0);
    expect(await row(target.email).getByRole('button', { name: /^Edit / }).count()).toBe(1);
    expect(await row(target.email).getByRole('button', { name: /^Delete / }).count()).toBe(1);
  });

  it('disables exactly the keys the manager lacks and shows the Permission Restriction notice', async () => {
    await openUsers();
    await row(target.email).getByRole('button', { name: /^Edit / }).click();
    await page.getByRole('heading', { name: 'Detailed Permissions' }).waitFor();
    await toggle('file.read').waitFor();
    expect(await page.getByLabel('Email Address').getAttribute('readonly')).not.toBeNull();
    const disabled = await page.locator('[data-key]').evaluateAll((els) =>
      els.filter((el) => el.querySelector('input')?.disabled).map((el) => el.getAttribute('data-key')));
    expect(disabled.sort()).toEqual(ASSIGNABLE_KEYS.filter((k) => !MANAGER_KEYS.includes(k)).sort());
    const notice = page.getByTestId('restriction-notice');
    expect(await notice.textContent()).toContain('Permission Restriction');
    expect((await notice.textContent())?.toLowerCase()).toContain('you can only assign permissions that you currently have access to');
    expect(await toggle('backup.read').isChecked()).toBe(true);
    expect(await toggle('control.console').isChecked()).toBe(true);
    await screenshot(page, 'edit-page');
  });

  it('the top Select All turns on only assignable toggles, and a save keeps the locked keys', async () => {
    await page.getByTestId('select-all').click();
    const checked = await page.locator('[data-key]').evaluateAll((els) =>
      els.filter((el) => el.querySelector('input')?.checked).map((el) => el.getAttribute('data-key')));
    expect(checked.sort()).toEqual([...new Set([...MANAGER_KEYS, 'backup.read', 'control.console'])].sort());
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.waitForURL(`**/server/${server.identifier}/users`);
    const stored = await findSubuser(panel.app.db, server.id, target.id);
    expect(stored?.permissions.filter((k) => k !== 'websocket.connect').sort())
      .toEqual([...new Set([...MANAGER_KEYS, 'backup.read', 'control.console'])].sort());
  });

  it('a Deselect All and save still keeps the locked keys the manager could not have granted', async () => {
    await row(target.email).getByRole('button', { name: /^Edit / }).click();
    await toggle('file.read').waitFor();
    await page.getByTestId('select-all').click();
    expect(await page.getByTestId('select-all').textContent()).toContain('Select All');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.waitForURL(`**/server/${server.identifier}/users`);
    const stored = await findSubuser(panel.app.db, server.id, target.id);
    expect(stored?.permissions.filter((k) => k !== 'websocket.connect').sort()).toEqual(['backup.read', 'control.console']);
  });

  it('inviting an unknown email shows a pending row with Resend', async () => {
    await openUsers();
    await page.getByRole('link', { name: 'New User' }).click();
    await page.getByRole('heading', { name: 'Create New User' }).waitFor();
    expect(await page.getByText('Enter the email address of the user you wish to invite as a subuser for this server.').count()).toBe(1);
    expect(await page.getByLabel('Email Address').getAttribute('maxlength')).toBe('191');
    const email = `newcomer-${Date.now()}@example.com`;
    await page.getByLabel('Email Address').fill(email);
    await toggle('file.read').check();
    await page.getByRole('button', { name: 'Invite User' }).click();
    await page.waitForURL(`**/server/${server.identifier}/users`);
    await row(email).waitFor();
    expect(await row(email).getByTestId('pending').textContent()).toMatch(/Awaiting confirmation · expires .+/);
    expect(await row(email).getByRole('button', { name: /^Resend / }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('user-count').textContent()).toBe('3 users');
  });

  it('shows a server validation error next to the email field', async () => {
    await page.getByRole('link', { name: 'New User' }).click();
    await page.getByLabel('Email Address').fill('not-an-email');
    await page.getByRole('button', { name: 'Invite User' }).click();
    await expect.poll(() => page.locator('[data-error-for="subuser-email"]').textContent()).toMatch(/\S/);
  });

  it('fits a 375 px wide screen without sideways scrolling, Users tab and edit page alike', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    // A string expression: the test tsconfig has no DOM types.
    const overflow = async () => Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    await openUsers();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await row(target.email).getByRole('button', { name: /^Edit / }).click();
    await toggle('file.read').waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('deletes through the "Remove {username}?" dialog and the row disappears', async () => {
    await openUsers();
    await row(target.email).getByRole('button', { name: /^Delete / }).click();
    const dialog = page.getByRole('dialog', { name: `Remove ${target.username}?` });
    await dialog.waitFor();
    expect((await dialog.textContent())?.toLowerCase()).toContain('all access to the server will be removed immediately');
    await dialog.getByRole('button', { name: `Remove ${target.username}` }).click();
    await row(target.email).waitFor({ state: 'detached' });
    expect(await findSubuser(panel.app.db, server.id, target.id)).toBeNull();
  });
});
