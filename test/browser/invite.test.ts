import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { launchBrowser } from './support';

/** Invite links in the browser: a replaced link and an expired one say so; the current one signs the person in. */
let panel: TestPanel;
let browser: Browser;
let server: ServerRow;
let owner: HttpClient;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };

/** The newest invite link mailed to `to` (no SMTP_URL: mails land in DATA_DIR/outbox as .eml files). */
async function latestToken(to: string): Promise<string> {
  const outbox = path.join(panel.dataDir, 'outbox');
  await expect.poll(() => existsSync(outbox) && readdirSync(outbox).some((f) => f.includes(to))).toBe(true);
  const file = readdirSync(outbox).filter((f) => f.includes(to)).sort().at(-1) ?? '';
  const raw = readFileSync(path.join(outbox, file), 'utf8');
  const decoded = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  const match = /\/invite\/([A-Za-z0-9_-]+)/.exec(decoded);
  if (!match?.[1]) throw new Error(`no invite link in ${file}`);
  return match[1];
}

async function invite(email: string): Promise<{ uuid: string; token: string }> {
  const res = await owner.post(`/api/client/servers/${server.identifier}/users`, { email, permissions: ['file.read'] });
  expect(res.status).toBe(200);
  return { uuid: res.body.attributes.uuid as string, token: await latestToken(email) };
}

async function open(token: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: panel.url });
  const page = await context.newPage();
  await page.goto(`/invite/${token}`);
  return page;
}

beforeAll(async () => {
  panel = await startTestPanel({ clock });
  const ownerRow = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, ownerRow);
  owner = new HttpClient(panel.url);
  await owner.login(ownerRow.email, TEST_PASSWORD);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

describe('invite links', () => {
  it('a replaced link says so; the new one sets username and password and opens the server', async () => {
    const email = `friend${Date.now()}@example.com`;
    const first = await invite(email);
    await new Promise((r) => setTimeout(r, 5)); // distinct outbox file names
    expect((await owner.post(`/api/client/servers/${server.identifier}/users/${first.uuid}/resend`)).status).toBe(200);
    const second = await latestToken(email);
    expect(second).not.toBe(first.token);

    const stale = await open(first.token);
    await stale.getByTestId('invite-invalid').waitFor();
    expect(await stale.getByRole('heading').textContent()).toBe('This invitation is no longer valid');

    const page = await open(second);
    await page.getByRole('heading', { name: `Join ${server.name}` }).waitFor();
    await page.getByLabel('Username').fill(`friend${Date.now() % 100000}`);
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.waitForURL(`**/server/${server.identifier}/**`);
    await page.getByRole('heading', { name: server.name }).waitFor();
  });

  it('an expired link says it has expired', async () => {
    const { token } = await invite(`late${Date.now()}@example.com`);
    offsetMs = 73 * 3600 * 1000;
    const page = await open(token);
    await page.getByTestId('invite-expired').waitFor();
    expect(await page.getByRole('heading').textContent()).toBe('This invitation has expired');
  });
});
