import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findAdminRoleByName, insertAdminRole, setRolesOfUser } from '@db/repositories/admin-roles';
import type { UserRow } from '@db/schema/users';
import { FakeWings } from '../fakes/wings/fake-wings';
import { testServerUrl } from '../factories/database';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/**
 * The admin area's infrastructure pages in Chromium (DESIGN §19, §21): a super-admin registers, edits, tests and
 * deletes nodes (and gives one a new token), adds and removes allocations, adds, edits and deletes database hosts,
 * imports, exports, edits and deletes software, creates a server and sets its limits, deletes one, edits a role and a user's profile and filters users; a role without `nodes.view` has no Nodes item and is refused.
 */
let panel: TestPanel;
let browser: Browser;
let wings: FakeWings | null = null;
let superAdmin: UserRow;

async function admin(permissions: string[] | 'super', name = 'ops'): Promise<UserRow> {
  const user = await makeUser(panel.app.db, { rootAdmin: true });
  const now = new Date();
  const role = permissions === 'super' ? await findAdminRoleByName(panel.app.db, 'super-admin')
    : await insertAdminRole(panel.app.db, { name, permissions, createdAt: now, updatedAt: now });
  await setRolesOfUser(panel.app.db, user.id, [role?.id ?? 0], now);
  return user;
}

beforeAll(async () => {
  panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000', RUNNER_TICK_MS: '200' } });
  superAdmin = await admin('super');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await wings?.close();
  await panel?.close();
});

const rows = async (sql: string, args: unknown[] = []) => (await panel.app.pool.query(sql, args))[0] as Array<Record<string, unknown>>;
const menu = (page: Page) => page.locator('.admin-menu');
const GENERIC = readFileSync(new URL('../../server/software/generic.json', import.meta.url), 'utf8');

describe('the admin infrastructure pages', () => {
  it('lets a super-admin run nodes, allocations, database hosts and software from the browser', async () => {
    const { page, context } = await signedInPage(browser, panel.url, superAdmin.email);
    page.on('dialog', (d) => { void d.accept(); });
    await page.goto('/admin');
    await menu(page).getByRole('link', { name: 'Nodes', exact: true }).click();
    await page.getByTestId('admin-nodes').waitFor();

    // Register: the token is shown once; a fake Wings node is then configured with it and the node moved there.
    const create = page.getByTestId('create-node');
    await create.getByLabel('Name').fill('eu-1');
    await create.getByLabel('URL').fill('http://127.0.0.1:1');
    await create.getByRole('button', { name: 'Register node' }).click();
    const shown = (await page.getByTestId('node-token').locator('code').textContent()) ?? '';
    expect(shown).toMatch(/^[0-9a-f]{16}\..{32,}$/);
    const row = page.locator('[data-node="eu-1"]');
    await row.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => page.getByTestId('node-test').textContent()).toMatch(/eu-1: .*cannot be reached/);
    wings = new FakeWings({ token: shown.slice(17), allowedOrigin: panel.url, version: '1.12.1' });
    await wings.start();
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByTestId('edit-node');
    await edit.getByLabel('Name').fill('eu-1a');
    await edit.getByLabel('URL').fill(wings.url);
    await edit.getByRole('button', { name: 'Save node' }).click();
    const moved = page.locator('[data-node="eu-1a"]');
    await moved.waitFor();
    await moved.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => page.getByTestId('node-test').textContent()).toContain('eu-1a: reachable, Wings 1.12.1');
    await screenshot(page, 'admin-nodes');
    // A new token: shown once; the node (still on the old one) now refuses the panel until reconfigured.
    await moved.getByRole('button', { name: 'New token' }).click();
    await expect.poll(async () => (await page.getByTestId('node-token').locator('code').textContent()) ?? '').not.toBe(shown);
    await moved.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => page.getByTestId('node-test').textContent()).toMatch(/eu-1a: .*answered 403/);

    // Allocations on that node.
    await menu(page).getByRole('link', { name: 'Allocations', exact: true }).click();
    await page.getByTestId('allocation-node').selectOption({ label: 'eu-1a' });
    const add = page.getByTestId('add-allocations');
    await add.getByLabel('IP address').fill('10.1.0.5');
    await add.getByLabel('Ports').fill('30000-30002');
    await add.getByRole('button', { name: 'Add allocations' }).click();
    await expect.poll(() => page.getByTestId('allocation-notice').textContent()).toBe('Added 3 of 3 ports.');
    await expect.poll(() => page.getByTestId('admin-allocations').locator('tbody tr').count()).toBe(3);
    await page.locator('[data-port="30002"]').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => page.getByTestId('admin-allocations').locator('tbody tr').count()).toBe(2);

    // A node with servers cannot go; an unused one can.
    await menu(page).getByRole('link', { name: 'Nodes', exact: true }).click();
    const [node] = await rows("SELECT id FROM nodes WHERE name = 'eu-1a'");
    await panel.app.pool.query("INSERT INTO servers (uuid, identifier, name, owner_id, node_id, startup_command, created_at, updated_at) VALUES (UUID(), 'ab12cd34', 'on eu-1a', ?, ?, 'x', NOW(), NOW())", [superAdmin.id, node?.id]);
    await moved.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('still has 1 server');
    await panel.app.pool.query("DELETE FROM servers WHERE identifier = 'ab12cd34'");
    await moved.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => moved.count()).toBe(0);
    expect(await rows("SELECT id FROM nodes WHERE name = 'eu-1a'")).toEqual([]);

    // Database hosts: the test MariaDB through its root account.
    const db = new URL(testServerUrl());
    await menu(page).getByRole('link', { name: 'Database Hosts', exact: true }).click();
    const hostForm = page.getByTestId('create-database-host');
    await hostForm.getByLabel('Name', { exact: true }).fill('browser-host');
    await hostForm.getByLabel('Host', { exact: true }).fill(db.hostname);
    await hostForm.getByLabel('Port', { exact: true }).fill(db.port || '3306');
    await hostForm.getByLabel('Admin username').fill(decodeURIComponent(db.username));
    await hostForm.getByLabel('Password', { exact: true }).fill(decodeURIComponent(db.password));
    await hostForm.getByRole('button', { name: 'Add host' }).click();
    const host = page.locator('[data-host="browser-host"]');
    await host.waitFor();
    await host.getByRole('button', { name: 'Edit' }).click();
    await page.getByTestId('edit-database-host').getByLabel('Max databases').fill('4');
    await page.getByTestId('edit-database-host').getByRole('button', { name: 'Save host' }).click();
    await expect.poll(() => host.locator('td').nth(4).textContent()).toBe('4');
    await host.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => host.count()).toBe(0);

    // Software: import a definition, export it as a Pterodactyl egg.
    await menu(page).getByRole('link', { name: 'Software', exact: true }).click();
    const imp = page.getByTestId('import-software');
    await imp.getByRole('textbox', { name: /^Definition/ }).fill(GENERIC);
    await imp.getByLabel('Id', { exact: true }).fill('browser-runner');
    await imp.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.getByTestId('software-notice').textContent()).toContain('Imported browser-runner');
    await page.locator('[data-software="browser-runner"]').getByRole('button', { name: 'Export as egg' }).click();
    await expect.poll(() => page.getByTestId('software-export').textContent()).toContain('"version": "PTDL_v2"');
    const imported = page.locator('[data-software="browser-runner"]');
    await imported.getByRole('button', { name: 'Edit' }).click();
    const box = page.getByTestId('edit-software').getByRole('textbox');
    await expect.poll(() => box.inputValue()).toContain('"id": "browser-runner"');
    await box.fill((await box.inputValue()).replace(/"name": "[^"]*"/, '"name": "Edited in the browser"'));
    await page.getByTestId('edit-software').getByRole('button', { name: 'Save definition' }).click();
    await expect.poll(() => imported.locator('td').nth(1).textContent()).toBe('Edited in the browser');
    expect(await page.locator('[data-software="generic"]').getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await imported.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => imported.count()).toBe(0);

    // Servers: create one for a customer, set its limits; delete another (gone once its cleanup job has run).
    const owner = await makeUser(panel.app.db, { email: 'server-owner@example.com' });
    const doomed = await makeServer(panel.app.db, await makeUser(panel.app.db), { name: 'doomed-server' });
    await menu(page).getByRole('link', { name: 'Servers', exact: true }).click();
    const make = page.getByTestId('create-server');
    await make.getByLabel('Name', { exact: true }).fill('made-in-admin');
    await make.getByLabel('Owner email').fill(owner.email);
    await make.getByLabel('Startup command', { exact: true }).fill('node sample-game-server.mjs');
    await make.getByRole('button', { name: 'Create server' }).click();
    const made = page.locator('[data-server="made-in-admin"]');
    await made.waitFor();
    expect(await made.locator('td').nth(2).textContent()).toBe(String(owner.id));
    await made.getByRole('button', { name: 'Limits' }).click();
    await page.getByTestId('server-limits').getByLabel('Max backups').fill('2');
    await page.getByTestId('server-limits').getByRole('button', { name: 'Save limits' }).click();
    await expect.poll(() => page.getByTestId('server-notice').textContent()).toBe('Limits saved.');
    expect(await rows("SELECT backup_limit, database_limit FROM servers WHERE name = 'made-in-admin'")).toEqual([{ backup_limit: 2, database_limit: null }]);
    const serverRow = page.locator('[data-server="doomed-server"]');
    await serverRow.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(async () => rows('SELECT id FROM servers WHERE id = ?', [doomed.id]), { timeout: 30_000 }).toEqual([]);

    const events = (await rows("SELECT event FROM activity_logs WHERE event LIKE 'admin:%' ORDER BY id")).map((r) => r.event);
    expect(events).toEqual(expect.arrayContaining([
      'admin:node.create', 'admin:node.update', 'admin:node.delete', 'admin:allocation.create',
      'admin:node.token', 'admin:allocation.delete', 'admin:database-host.create', 'admin:database-host.update', 'admin:database-host.delete',
      'admin:software.import', 'admin:software.update', 'admin:software.delete', 'admin:server.create', 'admin:server.build', 'admin:server.delete', 'admin:server.cleanup',
    ]));
    await context.close();
  });

  it('edits a role and a user profile, and filters users', async () => {
    await admin(['audit.view'], 'auditors');
    const customer = await makeUser(panel.app.db, { email: 'rename-me@example.com' });
    const suspended = await makeUser(panel.app.db, { email: 'suspended-one@example.com', suspended: true });
    const { page, context } = await signedInPage(browser, panel.url, superAdmin.email);
    await page.goto('/admin/roles');
    await page.locator('[data-role="auditors"]').getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByTestId('edit-role');
    await edit.getByLabel('tasks.view').check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('[data-role="auditors"]').textContent()).toContain('tasks.view');

    await menu(page).getByRole('link', { name: 'Users', exact: true }).click();
    const row = page.locator(`[data-user="${customer.email}"]`);
    await row.getByRole('button', { name: 'Edit' }).click();
    const profile = page.locator(`[data-editor="${customer.email}"]`).getByTestId('user-profile');
    await profile.getByLabel('Username').fill('renamed_in_browser');
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('renamed_in_browser');
    expect(await rows('SELECT username FROM users WHERE id = ?', [customer.id])).toEqual([{ username: 'renamed_in_browser' }]);

    await page.locator('[data-filter="suspended"]').selectOption('true');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByTestId('admin-users').locator('tbody tr').count()).toBe(1);
    expect(await page.locator(`[data-user="${suspended.email}"]`).count()).toBe(1);
    await context.close();
  });

  it('gives a role without nodes.view no Nodes item, and the server refuses it the page', async () => {
    const dbOnly = await admin(['database-hosts.view', 'software.view'], 'db-only');
    const { page, context } = await signedInPage(browser, panel.url, dbOnly.email);
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Admin', exact: true }).waitFor();
    expect((await menu(page).locator('a').allTextContents()).map((t) => t.trim())).toEqual(['Database Hosts', 'Software']);
    await page.goto('/admin/nodes');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This action is unauthorized.');
    expect(await page.getByTestId('create-node').count()).toBe(0);
    await context.close();
  });
});
