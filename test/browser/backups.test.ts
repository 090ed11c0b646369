import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { settleBackupWork } from '@server/services/backups/run-backup';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/** The Backups tab: controls following the toggles; create, live progress, lock, delete, restore, download, policy. */
let panel: TestPanel;
let browser: Browser;
let owner: UserRow;
let reader: UserRow;
let server: ServerRow;
let root: string;

const row = (page: Page, name: string) => page.locator('li.backup-row').filter({ hasText: name });

async function insertBackup(name: string, done: boolean): Promise<string> {
  const uuid = randomUUID();
  const now = new Date();
  await panel.app.pool.query(
    'INSERT INTO backups (uuid, server_id, name, ignored_files, checksum, bytes, is_successful, created_at, completed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [uuid, server.id, name, '[]', done ? 'sha1:abc' : null, done ? 2048 : 0, done ? 1 : 0, now, done ? now : null, now]);
  return uuid;
}

beforeAll(async () => {
  panel = await startTestPanel();
  owner = await makeUser(panel.app.db);
  reader = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  root = path.join(panel.dataDir, 'servers', server.uuid);
  mkdirSync(root, { recursive: true });
  writeFileSync(path.join(root, 'server.properties'), 'motd=original\n');
  await makeSubuser(panel.app.db, server, reader, ['backup.read']);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await settleBackupWork(panel.app);
  await panel?.close();
});

describe('the Backups tab', () => {
  it('shows a backup.read holder the list with a live progress bar, and no control', async () => {
    await insertBackup('nightly', true);
    const running = await insertBackup('in flight', false);
    const { page, context } = await signedInPage(browser, panel.url, reader.email);
    await page.goto(`/server/${server.identifier}/backups`);
    await row(page, 'nightly').waitFor();
    await expect.poll(() => row(page, 'nightly').getByTestId('checksum').textContent()).toBe('sha1:abc');
    expect(await row(page, 'nightly').getByTestId('size').textContent()).toBe('2.0 KiB');
    await row(page, 'in flight').getByRole('progressbar').waitFor();
    // Progress arrives over the real socket (the bridge sends it to backup.read holders).
    const ds = { uuid: server.uuid, startupCommand: server.startupCommand };
    await expect.poll(async () => {
      panel.app.daemon.publish(ds, { type: 'backup progress', data: { uuid: running, bytes: 5 * 1024 * 1024 } });
      return row(page, 'in flight').getByTestId('progress-bytes').textContent();
    }).toContain('5.0 MiB');
    await panel.app.pool.query('UPDATE backups SET is_successful = 1, completed_at = NOW(3), bytes = 4096, checksum = ? WHERE uuid = ?', ['sha1:def', running]);
    panel.app.daemon.publish(ds, { type: 'backup completed', data: { uuid: running, is_successful: true, checksum: 'def', checksum_type: 'sha1', file_size: 4096 } });
    await expect.poll(() => row(page, 'in flight').getByTestId('checksum').textContent()).toBe('sha1:def');
    expect(await page.getByRole('form', { name: 'Create backup' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Automated backups' }).count()).toBe(0);
    expect(await page.locator('li.backup-row').getByRole('button').count()).toBe(0);
    await context.close();
  });

  it('lets the owner create a locked backup, download it, restore it with truncate, unlock and delete it', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}/backups`);
    const form = page.getByRole('form', { name: 'Create backup' });
    await form.getByLabel('Name').fill('before update');
    await form.getByLabel('Ignored files').fill('*.log');
    await form.getByLabel(/Lock this backup/).check();
    await form.getByRole('button', { name: 'Create backup' }).click();
    const mine = row(page, 'before update');
    await mine.getByTestId('checksum').waitFor();
    await mine.getByTestId('lock-icon').waitFor();
    expect(await mine.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
    await screenshot(page, 'backups');

    const [download] = await Promise.all([page.waitForEvent('download'), mine.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.tar\.gz$/);

    writeFileSync(path.join(root, 'server.properties'), 'motd=changed\n');
    writeFileSync(path.join(root, 'extra.txt'), 'extra');
    await mine.getByRole('button', { name: 'Restore' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
    await dialog.getByLabel(/Delete all files before restoring/).check();
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('status').filter({ hasText: 'The backup was restored.' }).waitFor();
    expect(readFileSync(path.join(root, 'server.properties'), 'utf8')).toBe('motd=original\n');
    expect(() => readFileSync(path.join(root, 'extra.txt'))).toThrow();

    await mine.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => mine.getByTestId('lock-icon').count()).toBe(0);
    await mine.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete this backup?' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row(page, 'before update').count()).toBe(0);
    await context.close();
  });

  it('edits the automated policy: a bad cron is named, a good one shows its next run', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}/backups`);
    const policy = page.getByRole('form', { name: 'Automated backups' });
    await policy.getByLabel('Schedule (cron, UTC)').fill('not a cron');
    await policy.getByLabel('Active').check();
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await expect.poll(() => policy.getByTestId('cron-error').textContent()).toContain('cron');
    await policy.getByLabel('Schedule (cron, UTC)').fill('30 4 * * *');
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await policy.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await policy.getByTestId('next-run').textContent()).not.toContain('—');
    await context.close();
  });
});
