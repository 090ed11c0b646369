import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertProxyRoute } from '@db/repositories/network-proxy';
import { createPrivateNetwork } from '@server/services/network/create-private-network';
import { setNetworkMembership } from '@server/services/network/set-network-membership';
import type { AllocationRow } from '@db/schema/network';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { giveAllocation, makePool, uniqueIp } from '../factories/network';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser } from '../factories/records';
import { launchBrowser, screenshot, signedInPage } from './support';

/**
 * The Network tab (issue 16) through Chromium against the built UI: the owner manages allocations and proxy routes;
 * a subuser with only the read keys sees the same lists without a single control.
 */
let panel: TestPanel;
let browser: Browser;
let server: ServerRow;
let owner: UserRow;
let reader: UserRow;
let primary: AllocationRow;
let ip: string;

beforeAll(async () => {
  panel = await startTestPanel();
  ip = uniqueIp();
  owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  primary = await giveAllocation(panel.app.db, server, ip, 30000, true);
  await makePool(panel.app.db, ip, 30001, 3);
  const peer = await makeServer(panel.app.db, owner, { name: 'Peer' });
  await giveAllocation(panel.app.db, peer, '127.0.0.1', 30500, true);
  await createPrivateNetwork(panel.app.db, { name: 'backend', nodeId: null }, new Date());
  for (const s of [server, peer]) await setNetworkMembership(panel.app.db, { network: 'backend', server: s.identifier, nodeId: null, member: true }, new Date());
  const now = new Date();
  await insertProxyRoute(panel.app.db, { serverId: server.id, allocationId: primary.id, domain: 'map.example.test', createdAt: now, updatedAt: now });
  reader = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, reader, ['allocation.read', 'proxy.read', 'network.read']);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

async function openNetwork(login: string): Promise<Page> {
  const { page } = await signedInPage(browser, panel.url, login);
  await page.goto(`/server/${server.identifier}/network`);
  await page.getByRole('heading', { name: 'Network', exact: true }).waitFor();
  await page.locator(`[data-allocation="${primary.id}"]`).waitFor();
  return page;
}

describe('the Network tab', () => {
  it('lets the owner add an allocation, note it and make it primary; the old one cannot go while a proxy route uses it', async () => {
    const page = await openNetwork(owner.email);
    await page.getByRole('button', { name: 'Add allocation' }).click();
    const added = page.locator('li.allocation-row', { hasText: `${ip}:30001` });
    await added.waitFor();
    await added.getByLabel(`Notes for ${ip}:30001`).fill('voice');
    await added.getByRole('button', { name: 'Save notes' }).click();
    await expect.poll(async () => (await panel.app.pool.query('SELECT notes FROM allocations WHERE ip = ? AND port = 30001', [ip]))[0]).toEqual([{ notes: 'voice' }]);
    await added.getByRole('button', { name: 'Make primary' }).click();
    await added.getByText('Primary').waitFor();
    const old = page.locator(`[data-allocation="${primary.id}"]`);
    await old.getByRole('button', { name: 'Delete' }).waitFor();
    await expect.poll(() => added.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    // The proxy route still forwards to the old primary, so the server refuses and the tab says why.
    await old.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'map.example.test' }).waitFor();
    await page.locator('[data-private-network], [data-network="backend"]').getByText('127.0.0.1:30500').waitFor();
    await screenshot(page, 'network-tab');
  });

  it('creates a proxy route with its target and shows its status', async () => {
    const page = await openNetwork(owner.email);
    const form = page.getByRole('form', { name: 'New proxy route' });
    await form.getByLabel('Domain').fill('Play.Example.Test');
    await form.getByRole('button', { name: 'Add route' }).click();
    const row = page.locator('tr[data-proxy="play.example.test"]');
    await row.waitFor();
    expect(await row.locator('.proxy-status').textContent()).toBe('Stopped (server offline)');
    await form.getByLabel('Domain').fill('map.example.test');
    await form.getByRole('button', { name: 'Add route' }).click();
    await page.getByText('The domain has already been taken.').first().waitFor();
    await row.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => row.count()).toBe(0);
  });

  it('shows a reader the lists without any control', async () => {
    const page = await openNetwork(reader.email);
    await page.locator('tr[data-proxy="map.example.test"]').waitFor();
    await page.locator('[data-network="backend"]').waitFor();
    for (const name of ['Add allocation', 'Save notes', 'Make primary', 'Delete', 'Add route']) {
      expect(await page.getByRole('button', { name }).count(), name).toBe(0);
    }
    expect(await page.locator('input, select').count()).toBe(0);
    await page.getByRole('link', { name: 'Network' }).first().waitFor();
  });

  it('hides the tab from a member holding none of the read keys', async () => {
    const plain = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, plain, ['control.console']);
    const { page } = await signedInPage(browser, panel.url, plain.email);
    await page.goto(`/server/${server.identifier}/console`);
    await page.getByRole('link', { name: 'Console' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'Network' }).count()).toBe(0);
  });
});
