import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { ArchiveHost } from '../integration/migration-support';
import { launchBrowser, screenshot, signedInPage } from './support';

/** Runs in the page: the computed left border colour (the check's status colour). The test tsconfig has no DOM lib. */
const borderColour = new Function('el', 'return getComputedStyle(el).borderLeftColor') as (el: unknown) => string;

/** The Migrate and Health tabs against a real panel, a loopback archive host and Chromium. */
let panel: TestPanel;
let browser: Browser;
let host: ArchiveHost;
let owner: UserRow;
let server: ServerRow;
let archive: Buffer;

beforeAll(async () => {
  panel = await startTestPanel({ env: { MIGRATION_ALLOW_PRIVATE_HOSTS: 'true' } });
  host = await ArchiveHost.start();
  owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner, { disk: 1 });
  const src = path.join(panel.dataDir, 'archive-src');
  mkdirSync(src, { recursive: true });
  writeFileSync(path.join(src, 'server.properties'), 'motd=from the browser\n');
  await tarCreate({ gzip: true, cwd: src, file: path.join(panel.dataDir, 'site.tar.gz') }, ['server.properties']);
  archive = (await import('node:fs')).readFileSync(path.join(panel.dataDir, 'site.tar.gz'));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  await panel?.close();
});

describe('the Migrate tab', () => {
  it('starts a migration, shows its progress live, cancels it, then completes another', async () => {
    let release: () => void = () => undefined;
    host.routes.set('/slow.tar.gz', (_req, res) => {
      res.setHeader('content-length', 10 * 1024 * 1024);
      res.write(Buffer.alloc(128 * 1024));
      release = () => res.destroy();
    });
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    try {
      await page.goto(`/server/${server.identifier}/migrate`);
      await page.getByRole('heading', { name: 'Migrate', exact: true }).waitFor();
      await page.getByLabel('Archive URL', { exact: true }).fill(`${host.url}/slow.tar.gz`);
      await page.getByRole('button', { name: 'Start migration' }).click();
      const counts = page.locator('[data-migration-counts]');
      await expect.poll(() => counts.textContent(), { timeout: 15_000 }).toMatch(/128(\.0)? KiB of 10(\.0)? MiB/);
      expect(await page.locator('progress').getAttribute('value')).toBe('1');
      await screenshot(page, 'migrate');
      await page.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => page.locator('[data-status]').first().getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
      expect(await page.locator('[data-migration-running]').count()).toBe(0);

      await page.getByLabel('Archive URL', { exact: true }).fill(host.serve('/site.tar.gz', archive));
      await page.getByRole('button', { name: 'Start migration' }).click();
      await expect.poll(() => page.locator('[data-status]').first().getAttribute('data-status'), { timeout: 15_000 }).toBe('completed');
      await expect.poll(() => page.locator('[data-status="completed"]').textContent()).toContain('1 file');
    } finally {
      release();
      await context.close();
    }
  });

  it('shows a field error from the server next to its input', async () => {
    const { page, context } = await signedInPage(browser, panel.url, owner.email);
    await page.goto(`/server/${server.identifier}/migrate`);
    await page.getByLabel('SFTP server').check();
    await page.getByLabel('Host', { exact: true }).fill('example.com');
    await page.getByLabel('Username', { exact: true }).fill('someone');
    await page.getByRole('button', { name: 'Start migration' }).click();
    await expect.poll(() => page.locator('[data-error-for="migration-password"]').textContent()).toContain('password or a private_key');
    await context.close();
  });

  it('follows the toggles: migration.read sees history only; no key, no tab', async () => {
    const reader = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, reader, ['migration.read']);
    const { page, context } = await signedInPage(browser, panel.url, reader.email);
    await page.goto(`/server/${server.identifier}/migrate`);
    await page.locator('[data-migration-readonly]').waitFor();
    expect(await page.getByRole('button', { name: 'Start migration' }).count()).toBe(0);
    expect(await page.locator('[data-status="completed"]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-tab="migrate"]').count()).toBe(1);
    expect(await page.locator('[data-tab="health"]').count()).toBe(0);
    await context.close();

    const none = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, none, ['control.console']);
    const other = await signedInPage(browser, panel.url, none.email);
    await other.page.goto(`/server/${server.identifier}/console`);
    await other.page.locator('[data-tab="console"]').waitFor();
    expect(await other.page.locator('[data-tab="migrate"]').count()).toBe(0);
    await other.context.close();
  });
});

describe('the Health tab', () => {
  it('shows each check with its status colour and a recommendation for what is wrong', async () => {
    writeFileSync(path.join(serverRoot(panel.dataDir, server.uuid), 'world.dat'), Buffer.alloc(1.5 * 1024 * 1024));
    const doctor = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, doctor, ['health.read']);
    const { page, context } = await signedInPage(browser, panel.url, doctor.email);
    await page.goto(`/server/${server.identifier}/health`);
    const disk = page.locator('[data-check="disk_usage"]');
    // The daemon measures a directory at most every 10 s (an earlier page's stats may be that recent): re-run until
    // the new file is counted.
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Run checks again' }).click();
      await page.locator('button:not([disabled])', { hasText: 'Run checks again' }).waitFor();
      return disk.getAttribute('data-status');
    }, { timeout: 20_000, interval: 1000 }).toBe('fail');
    expect(await disk.textContent()).toContain('Recommendation');
    expect(await disk.evaluate(borderColour)).toBe('rgb(239, 68, 68)');
    const process = page.locator('[data-check="process_state"]');
    expect(await process.getAttribute('data-status')).toBe('ok');
    expect(await process.evaluate(borderColour)).toBe('rgb(34, 197, 94)');
    // Every §18 check is listed; a factory server has no allocation and no backup, so those two warn (amber).
    expect(await page.locator('[data-check]').count()).toBe(8);
    const port = page.locator('[data-check="primary_port"]');
    expect(await port.getAttribute('data-status')).toBe('warn');
    expect(await port.textContent()).toContain('Recommendation');
    await screenshot(page, 'health');
    await context.close();
  });
});
