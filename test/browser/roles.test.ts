import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/** The Roles card on the account page (DESIGN §20): create with the PermissionGrid, edit (live link), delete. */
let panel: TestPanel;
let browser: Browser;
let page: Page;
let owner: UserRow;
let friend: UserRow;
let server: ServerRow;

const toggle = (key: string) => page.locator(`[data-key="${key}"] input`);
const roleRow = (name: string) => page.locator(`li[data-role="${name}"]`);

async function subuserKeys(): Promise<string[]> {
  const [rows] = await panel.app.pool.query('SELECT permissions FROM subusers WHERE server_id = ? AND user_id = ?', [server.id, friend.id]);
  const raw = (rows as Array<{ permissions: string | string[] }>)[0]?.permissions ?? [];
  return [...(typeof raw === 'string' ? JSON.parse(raw) as string[] : raw)].sort();
}

beforeAll(async () => {
  panel = await startTestPanel();
  owner = await makeUser(panel.app.db);
  friend = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  await makeSubuser(panel.app.db, server, friend, []);
  browser = await launchBrowser();
  ({ page } = await signedInPage(browser, panel.url, owner.email));
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the Roles card', () => {
  it('lists the built-ins and creates a role with the permission grid', async () => {
    await page.goto('/account');
    await expect.poll(() => page.getByTestId('builtin-roles').textContent()).toContain('Viewer, Moderator, Operator, Co-owner');
    await page.getByRole('button', { name: 'New Role' }).click();
    await page.getByLabel('Role Name').fill('Builders');
    await page.getByLabel('Role Description').fill('build team');
    await toggle('file.read').check();
    await toggle('control.console').check();
    await page.getByRole('button', { name: 'Create Role' }).click();
    await roleRow('Builders').waitFor();
    expect(await roleRow('Builders').textContent()).toContain('2 Permissions');
    await screenshot(page, 'roles-card');
  });

  it('edits the role, which re-applies it to a linked subuser', async () => {
    // Link the friend to the role as an assignment would (the picker on the subuser form is not built yet).
    const [rows] = await panel.app.pool.query('SELECT id FROM roles WHERE owner_id = ? AND name = ?', [owner.id, 'Builders']);
    const roleId = (rows as Array<{ id: number }>)[0]?.id;
    expect(roleId).toBeDefined();
    await panel.app.pool.query('UPDATE subusers SET role_id = ?, overrides = ?, permissions = ? WHERE server_id = ? AND user_id = ?',
      [roleId, JSON.stringify({ add: [], remove: [] }), JSON.stringify(['websocket.connect', 'control.console', 'file.read']), server.id, friend.id]);
    await page.goto('/account');
    await page.getByRole('button', { name: 'Edit role Builders' }).click();
    await toggle('file.update').check();
    await page.getByRole('button', { name: 'Save Role' }).click();
    await expect.poll(() => roleRow('Builders').textContent()).toContain('3 Permissions');
    expect(await subuserKeys()).toEqual(['control.console', 'file.read', 'file.update', 'websocket.connect']);
  });

  it('shows a refused name next to the field, and deletes a role after confirmation', async () => {
    await page.goto('/account');
    await page.getByRole('button', { name: 'New Role' }).click();
    await page.getByLabel('Role Name').fill('Builders');
    await page.getByRole('button', { name: 'Create Role' }).click();
    await expect.poll(() => page.locator('.roles-card').textContent()).toContain('You already have a role with that name.');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete role Builders' }).click();
    await page.getByRole('button', { name: 'Delete Role', exact: true }).click();
    await expect.poll(() => roleRow('Builders').count()).toBe(0);
    expect(await subuserKeys()).toEqual(['control.console', 'file.read', 'file.update', 'websocket.connect']);
  });

  it('assigns a role with an override and a path scope from the subuser form', async () => {
    await page.goto('/account');
    await page.getByRole('button', { name: 'New Role' }).click();
    await page.getByLabel('Role Name').fill('Crew');
    await toggle('file.read').check();
    await toggle('control.console').check();
    await page.getByRole('button', { name: 'Create Role' }).click();
    await roleRow('Crew').waitFor();
    await page.goto(`/server/${server.identifier}/users/${friend.uuid}`);
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Crew' });
    await expect.poll(() => toggle('file.read').isChecked()).toBe(true);
    await toggle('control.console').uncheck();
    await expect.poll(() => page.getByTestId('overrides').textContent()).toContain('removes control.console');
    // The path scope is edited in the grid's File card, beside the keys it narrows.
    expect(await page.locator('[data-category="file"] [data-test="file-scope"]').count()).toBe(1);
    await page.getByLabel('File Paths').fill('/plugins/**');
    await screenshot(page, 'subuser-role-picker');
    await page.getByRole('button', { name: 'Save Changes' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/users'));
    const [rows] = await panel.app.pool.query('SELECT r.name, s.overrides, s.file_scope, s.permissions FROM subusers s JOIN roles r ON r.id = s.role_id WHERE s.server_id = ? AND s.user_id = ?', [server.id, friend.id]);
    const row = (rows as Array<Record<string, unknown>>)[0] ?? {};
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) as unknown : v);
    expect({ name: row.name, overrides: json(row.overrides), scope: json(row.file_scope), keys: json(row.permissions) }).toEqual({
      name: 'Crew', overrides: { add: [], remove: ['control.console'] }, scope: { paths: ['/plugins/**'] }, keys: ['websocket.connect', 'file.read'],
    });
  });

  it('invites one email with a role to several of the owner\'s servers at once (one invite)', async () => {
    const second = await makeServer(panel.app.db, owner, { name: 'Second world' });
    const email = `crew-${second.identifier}@example.com`;
    await page.goto('/account');
    await page.getByRole('button', { name: 'Invite with role Crew' }).click();
    const form = page.locator('form[data-invite-role="Crew"]');
    await form.getByLabel('Email Address').fill(email);
    await form.locator(`input[data-server="${server.identifier}"]`).check();
    await form.locator(`input[data-server="${second.identifier}"]`).check();
    await form.getByRole('button', { name: 'Send Invite' }).click();
    await expect.poll(() => page.getByTestId('role-invited').textContent()).toContain('Invite sent for 2 servers.');
    const [rows] = await panel.app.pool.query(
      'SELECT s.server_id, r.name FROM subusers s JOIN users u ON u.id = s.user_id JOIN roles r ON r.id = s.role_id WHERE u.email = ? ORDER BY s.server_id', [email]);
    expect(rows).toEqual([{ server_id: server.id, name: 'Crew' }, { server_id: second.id, name: 'Crew' }]);
  });
});
