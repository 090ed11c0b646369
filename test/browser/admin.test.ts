import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAdminRoleByName, insertAdminRole, setRolesOfUser } from '@db/repositories/admin-roles';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/** The admin area in Chromium: a super-admin sees every page; a support role sees only its menu (DESIGN §21). */
let panel: TestPanel;
let browser: Browser;
let superAdmin: UserRow;
let support: UserRow;
let customer: UserRow;
let staff: UserRow;

async function admin(permissions: string[] | 'super'): Promise<UserRow> {
  const user = await makeUser(panel.app.db, { rootAdmin: true });
  const now = new Date();
  const role = permissions === 'super' ? await findAdminRoleByName(panel.app.db, 'super-admin')
    : await insertAdminRole(panel.app.db, { name: 'support-l1', permissions, createdAt: now, updatedAt: now });
  await setRolesOfUser(panel.app.db, user.id, [role?.id ?? 0], now);
  return user;
}

beforeAll(async () => {
  panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000' } });
  superAdmin = await admin('super');
  support = await admin(['users.view', 'users.impersonate', 'ssh-keys.view']);
  customer = await makeUser(panel.app.db, { email: 'customer-browser@example.com' });
  staff = await makeUser(panel.app.db, { rootAdmin: true, email: 'staff-browser@example.com' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

const menuOf = async (page: import('playwright-core').Page) =>
  (await page.locator('.admin-menu a').allTextContents()).map((t) => t.trim());

describe('the admin area', () => {
  it('shows a super-admin every page: users (create, suspend), roles, servers, SSH keys, tasks, audit', async () => {
    const { page, context } = await signedInPage(browser, panel.url, superAdmin.email);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Admin', exact: true }).waitFor();
    expect(await menuOf(page)).toEqual(['Users', 'Servers', 'Nodes', 'Allocations', 'Database Hosts', 'Software', 'SSH Keys', 'Admin Roles', 'Tasks', 'Audit Log', 'Mass Mail']);

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByTestId('admin-users').waitFor();
    const form = page.getByTestId('create-user');
    await form.getByLabel('Email').fill('made-in-browser@example.com');
    await form.getByLabel('Username').fill('made_in_browser');
    await form.getByRole('button', { name: 'Create User' }).click();
    await expect.poll(() => page.getByTestId('admin-notice').textContent()).toMatch(/Temporary password: \S{12,}/);
    const row = page.locator('[data-user="customer-browser@example.com"]');
    await row.getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(() => row.locator('td').nth(4).textContent()).toBe('suspended');
    await row.getByRole('button', { name: 'Unsuspend' }).click();
    await expect.poll(() => row.locator('td').nth(4).textContent()).toBe('active');
    await screenshot(page, 'admin-users');

    await page.getByRole('link', { name: 'Admin Roles' }).click();
    const roleForm = page.getByTestId('create-role');
    await roleForm.getByLabel('Role name').fill('billing-only');
    await roleForm.getByLabel('audit.view').check();
    await roleForm.getByRole('button', { name: 'Save Role' }).click();
    await page.locator('[data-role="billing-only"]').waitFor();
    expect(await page.locator('[data-role="super-admin"]').textContent()).toContain('(reserved)');

    // Assign the new role to a staff admin from their user record.
    await page.locator('.admin-menu').getByRole('link', { name: 'Users' }).click();
    const staffRow = page.locator(`[data-user="${staff.email}"]`);
    await staffRow.getByRole('button', { name: 'Edit' }).click();
    const editor = page.locator(`[data-editor="${staff.email}"]`);
    await editor.getByLabel('billing-only').check();
    await editor.getByRole('button', { name: 'Save roles' }).click();
    await expect.poll(() => staffRow.locator('td').nth(3).textContent()).toBe('billing-only');

    await page.getByRole('link', { name: 'Audit Log' }).click();
    await page.getByTestId('admin-audit').waitFor();
    await expect.poll(async () => (await page.getByTestId('admin-audit').textContent()) ?? '').toContain('admin:role.create');
    expect(await page.getByTestId('admin-audit').textContent()).toContain('admin:user.suspend');
    expect(await page.getByTestId('admin-audit').textContent()).toContain('admin:user.roles');
    for (const [link, id] of [['Servers', 'admin-servers'], ['SSH Keys', 'admin-ssh-keys'], ['Tasks', 'admin-tasks'], ['Mass Mail', 'admin-mail']] as const) {
      await page.locator('.admin-menu').getByRole('link', { name: link, exact: true }).click();
      await page.getByTestId(id).waitFor();
    }
    await context.close();
  });

  it('shows a support role only its menu, and impersonation shows a banner until stopped', async () => {
    const { page, context } = await signedInPage(browser, panel.url, support.email);
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Admin', exact: true }).waitFor();
    expect(await menuOf(page)).toEqual(['Users', 'SSH Keys']);
    // A page outside the menu is refused by the server, not only hidden.
    await page.goto('/admin/roles');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This action is unauthorized.');

    await page.goto('/admin/users');
    const row = page.locator(`[data-user="${customer.email}"]`);
    expect(await row.getByRole('button', { name: 'Suspend' }).count()).toBe(0);
    await row.getByRole('button', { name: 'Impersonate' }).click();
    const banner = page.getByTestId('impersonation-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(customer.email);
    expect(await banner.textContent()).toContain(support.email);
    await screenshot(page, 'admin-impersonation');
    await banner.getByRole('button', { name: 'Stop impersonating' }).click();
    await page.waitForURL(/\/admin\/users/);
    await page.getByTestId('admin-users').waitFor();
    expect(await page.getByTestId('impersonation-banner').count()).toBe(0);
    await context.close();
  });

  it('an admin with no roles sees an empty admin area that says why', async () => {
    const bare = await makeUser(panel.app.db, { rootAdmin: true });
    const { page, context } = await signedInPage(browser, panel.url, bare.email);
    await page.goto('/admin');
    await page.getByTestId('admin-no-roles').waitFor();
    expect(await menuOf(page)).toEqual([]);
    await context.close();
  });
});
