import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserByExternalId } from '@db/repositories/users';
import { startHostPanel, type HostPanel } from '../../examples/host-panel/main';
import { createTestDatabase, type TestDatabase } from '../factories/database';
import { makeServer, makeSubuser } from '../factories/records';
import { launchBrowser } from './support';

const ROOT = path.resolve(import.meta.dirname, '../..');
let hostDb: TestDatabase;
let cohostDb: TestDatabase;
let dataDir: string;
let panel: HostPanel;
let browser: Browser;

beforeAll(async () => {
  await build({ configFile: path.join(ROOT, 'web/lib/vite.config.ts'), logLevel: 'silent' });
  hostDb = await createTestDatabase({ migrate: false });
  cohostDb = await createTestDatabase({ migrate: false });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'host-panel-ui-'));
  panel = await startHostPanel({ HOST_DATABASE_URL: hostDb.url, COHOST_DATABASE_URL: cohostDb.url, JWT_SECRET: 'example-host-jwt-secret-0123456789abcdef', DATA_DIR: dataDir });
  await panel.users.add({ email: 'alice@host.example', name: 'Alice', password: 'alice-pass' });
  await panel.users.add({ email: 'bob@host.example', name: 'Bob', password: 'bob-pass' });
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await panel?.close();
  await hostDb?.drop();
  await cohostDb?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Signs in to the host panel in a fresh browser context and makes Cohost see the user once (linking them). */
async function hostSession(email: string, password: string) {
  const context = await browser.newContext({ baseURL: panel.url });
  expect((await context.request.post('/login', { data: { email, password } })).status()).toBe(200);
  const { token } = await (await context.request.get('/cohost-token')).json() as { token: string };
  expect((await context.request.get('/cohost/api/client/account', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);
  return context;
}

describe('examples/host-panel in Chromium: the host\'s page with Cohost\'s Users tab', () => {
  it('a host user edits a subuser\'s grants in the mounted component, and Cohost stores them', async () => {
    const alice = await hostSession('alice@host.example', 'alice-pass');
    const bobContext = await hostSession('bob@host.example', 'bob-pass');
    await bobContext.close();
    const db = panel.cohost.app.db;
    const server = await makeServer(db, (await findUserByExternalId(db, 'host-1'))!);
    const bob = (await findUserByExternalId(db, 'host-2'))!;
    await makeSubuser(db, server, bob, ['file.read']);

    const page = await alice.newPage();
    await page.goto(`/servers/${server.uuid}`);
    const row = page.locator('[data-user="bob@host.example"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.locator('[data-key="control.console"] input').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-user="bob@host.example"]').waitFor();
    const [rows] = await panel.cohost.app.pool.query('SELECT permissions FROM subusers WHERE user_id = ?', [bob.id]);
    const stored = (rows as Array<{ permissions: unknown }>)[0]!.permissions;
    expect(typeof stored === 'string' ? JSON.parse(stored) : stored).toEqual(expect.arrayContaining(['file.read', 'control.console']));
    await alice.close();
  });
});
