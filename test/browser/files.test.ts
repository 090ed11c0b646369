import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/** The file manager: each control present only with its key; folders, uploads, edit and save. */
let panel: TestPanel;
let browser: Browser;
let owner: UserRow;
let reader: UserRow;
let server: ServerRow;
let root: string;

const fileRow = (page: Page, name: string) => page.locator(`li[data-name="${name}"]`);

beforeAll(async () => {
  panel = await startTestPanel();
  owner = await makeUser(panel.app.db);
  reader = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  root = path.join(panel.dataDir, 'servers', server.uuid);
  mkdirSync(path.join(root, 'world'), { recursive: true });
  writeFileSync(path.join(root, 'server.properties'), 'motd=Hello\nmax-players=20\n');
  await makeSubuser(panel.app.db, server, reader, ['file.read']);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('the file manager', () => {
  it('shows a subuser holding only file.read the listing and no other control', async () => {
    const { page, context } = await signedInPage(browser, panel.url, reader.email);
    await page.goto(`/server/${server.identifier}/files`);
    await fileRow(page, 'server.properties').waitFor();
    expect(await page.getByRole('button', { name: /New Folder|New File|Trash/ }).count()).toBe(0);
    expect(await page.getByText('Upload', { exact: true }).count()).toBe(0);
    expect(await fileRow(page, 'server.properties').getByRole('button').count()).toBe(0);
    await context.close();
  });

  it('lets the owner create a folder, upload a file and edit one', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}/files`);
    await fileRow(page, 'server.properties').waitFor();
    await page.getByRole('button', { name: 'New Folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'New Folder' });
    await dialog.getByLabel('Name', { exact: true }).fill('plugins');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await fileRow(page, 'plugins').waitFor();

    await page.locator('#file-upload').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('uploaded from chromium\n') });
    await fileRow(page, 'notes.txt').waitFor();
    expect(readFileSync(path.join(root, 'notes.txt'), 'utf8')).toBe('uploaded from chromium\n');
    await screenshot(page, 'files');

    await fileRow(page, 'server.properties').getByRole('button', { name: 'server.properties', exact: true }).click();
    const editor = page.getByLabel('File contents');
    await expect.poll(() => editor.inputValue()).toContain('motd=Hello');
    await editor.fill('motd=Changed\n');
    await page.getByRole('button', { name: 'Save Content' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    expect(readFileSync(path.join(root, 'server.properties'), 'utf8')).toBe('motd=Changed\n');
    await context.close();
  });

  it('deletes to the trash, shows it there, and empties the trash behind a confirmation', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}/files`);
    await fileRow(page, 'notes.txt').getByRole('button', { name: 'Delete notes.txt' }).click();
    await page.getByRole('dialog', { name: 'Delete notes.txt?' }).getByRole('button', { name: 'Delete notes.txt' }).click();
    await fileRow(page, 'notes.txt').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Trash' }).click();
    const trash = page.getByRole('region', { name: 'Trash' });
    await trash.getByText('notes.txt').waitFor();
    await trash.getByRole('button', { name: 'Empty Trash' }).click();
    await page.getByRole('dialog', { name: 'Empty the trash?' }).getByRole('button', { name: 'Empty Trash' }).click();
    await trash.getByText('The trash is empty.').waitFor();
    await context.close();
  });
});
