import { generateKeyPairSync } from 'node:crypto';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, TEST_PASSWORD } from '../factories/records';
import { quickUser } from '../integration/passkeys-support';
import { launchBrowser, screenshot } from './support';

/**
 * Passkeys in Chromium with the DevTools virtual authenticator (CDP WebAuthn domain): enrol, passwordless, second
 * factor, a swapped key and a removed passkey refused, and the off-notice at an IP address (DESIGN §22). WebAuthn
 * refuses IP addresses, so the panel is opened at http://localhost.
 */
let panel: TestPanel;
let browser: Browser;
let base: string;

beforeAll(async () => {
  panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000' } });
  base = panel.url.replace('127.0.0.1', 'localhost');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await panel?.close();
});

interface Authenticator { readonly cdp: CDPSession; readonly id: string }
interface VirtualCredential { credentialId: string; isResidentCredential: boolean; rpId: string; privateKey: string; userHandle: string; signCount: number }

/** A page with a virtual platform authenticator: resident keys, user verification, presence simulated. */
async function pageWithAuthenticator(): Promise<{ context: BrowserContext; page: Page; auth: Authenticator }> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  return { context, page, auth: { cdp, id: authenticatorId } };
}

async function credentials(auth: Authenticator): Promise<VirtualCredential[]> {
  return (await auth.cdp.send('WebAuthn.getCredentials', { authenticatorId: auth.id })).credentials as VirtualCredential[];
}

async function passwordStep(page: Page, user: UserRow): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username or Email').fill(user.email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function enrolOnAccountPage(page: Page, name: string): Promise<void> {
  await page.goto('/account');
  const card = page.getByTestId('passkeys');
  await card.getByLabel('Passkey Name').fill(name);
  await card.getByLabel('Current Password').fill(TEST_PASSWORD);
  await card.getByRole('button', { name: 'Add Passkey' }).click();
  await page.locator(`[data-passkey="${name}"]`).waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/login');
}

async function passwordless(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
}

describe('passkeys in the browser', () => {
  it('enrols a named passkey, then signs in with it and no password', async () => {
    const user = await quickUser(panel.app.db);
    const { context, page, auth } = await pageWithAuthenticator();
    await passwordStep(page, user);
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await enrolOnAccountPage(page, 'Laptop');
    const [credential] = await credentials(auth);
    expect(credential?.isResidentCredential).toBe(true);
    expect(credential?.rpId).toBe('localhost');
    await screenshot(page, 'passkeys');

    await signOut(page);
    await passwordless(page);
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await page.goto('/account');
    await page.getByText(/last used/).waitFor();
    await context.close();
  });

  it('asks for the passkey as the second factor after the password', async () => {
    const user = await quickUser(panel.app.db);
    const { context, page } = await pageWithAuthenticator();
    await passwordStep(page, user);
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await enrolOnAccountPage(page, 'Phone');
    await signOut(page);

    await passwordStep(page, user);
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await context.close();
  });

  it('refuses a passkey whose key was swapped (the signature does not verify)', async () => {
    const user = await quickUser(panel.app.db);
    const { context, page, auth } = await pageWithAuthenticator();
    await passwordStep(page, user);
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await enrolOnAccountPage(page, 'Key');
    await signOut(page);

    const [original] = await credentials(auth);
    if (!original) throw new Error('no credential');
    await auth.cdp.send('WebAuthn.removeCredential', { authenticatorId: auth.id, credentialId: original.credentialId });
    const forged = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    await auth.cdp.send('WebAuthn.addCredential', {
      authenticatorId: auth.id,
      credential: { ...original, privateKey: forged, signCount: original.signCount + 1 },
    });
    await passwordless(page);
    await page.getByText('The passkey could not be verified.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    const [rows] = await panel.app.pool.query("SELECT COUNT(*) AS n FROM activity_logs WHERE event = 'auth:fail' AND actor_id = ?", [user.id]);
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(1);
    await context.close();
  });

  it('refuses a passkey removed on the account page', async () => {
    const user = await quickUser(panel.app.db);
    const { context, page, auth } = await pageWithAuthenticator();
    await passwordStep(page, user);
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await enrolOnAccountPage(page, 'Old key');
    await page.getByRole('button', { name: 'Remove passkey Old key' }).click();
    await page.getByLabel('Password to remove').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Confirm Removal' }).click();
    await page.getByText('No passkeys yet.').waitFor();
    await signOut(page);

    expect(await credentials(auth)).toHaveLength(1); // still on the device, gone from the panel
    await passwordless(page);
    await page.getByText('The passkey could not be verified.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });
});

describe('the 2FA policy and the IP address notice in the browser', () => {
  it('tells a member of a server that requires 2FA why, with a link to enrolment', async () => {
    const owner = await quickUser(panel.app.db, { totpEnabled: true });
    const server = await makeServer(panel.app.db, owner, { requireTwoFactor: true });
    const member = await quickUser(panel.app.db);
    await makeSubuser(panel.app.db, server, member, ['control.console']);
    const { context, page } = await pageWithAuthenticator();
    await passwordStep(page, member);
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await page.goto(`/server/${server.identifier}`);
    await page.getByTestId('two-factor-required').waitFor();
    expect(await page.getByTestId('two-factor-required').textContent()).toMatch(/requires two-factor authentication/);
    await page.getByRole('link', { name: 'Set up two-factor authentication' }).click();
    await page.waitForURL('**/account#security');
    await enrolOnAccountPage(page, 'Now enrolled');
    await page.goto(`/server/${server.identifier}`);
    await page.getByRole('heading', { name: server.name }).waitFor();
    await context.close();
  });

  it('says on the account page why passkeys are off when the panel is reached by IP', async () => {
    const user = await quickUser(panel.app.db);
    const context = await browser.newContext({ baseURL: panel.url });
    const page = await context.newPage();
    await passwordStep(page, user);
    await page.getByRole('heading', { name: 'Your servers' }).waitFor();
    await page.goto('/account');
    await page.getByTestId('passkeys-off').waitFor();
    expect(await page.getByTestId('passkeys-off').textContent()).toMatch(/IP address/);
    await page.getByRole('heading', { name: 'Two-Step Verification' }).waitFor();
    await context.close();
  });
});
