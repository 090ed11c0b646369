import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, TEST_PASSWORD } from '../factories/records';
import { setUserTwoFactorEnforced } from '@server/services/passkeys/set-user-require-two-factor';
import { activityOf, cli } from './account-support';
import { enrolTotp, quickUser, setPolicy } from './passkeys-support';

/** The two-factor policy over HTTP (DESIGN §22): a server owner's requirement, and an admin's per-user enforcement. */
let panel: TestPanel;
beforeAll(async () => {
  panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000' } });
});
afterAll(async () => { await panel?.close(); });

async function signedIn(user: UserRow): Promise<HttpClient> {
  const c = new HttpClient(panel.url);
  const res = await c.login(user.email, TEST_PASSWORD);
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return c;
}

async function scene(): Promise<{ owner: UserRow; ownerClient: HttpClient; server: ServerRow; member: UserRow; memberClient: HttpClient }> {
  const owner = await quickUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  const member = await quickUser(panel.app.db);
  await makeSubuser(panel.app.db, server, member, ['control.console', 'file.read']);
  const ownerClient = await signedIn(owner);
  return { owner, ownerClient, server, member, memberClient: await signedIn(member) };
}

describe('a server that requires 2FA', () => {
  it('can be turned on only by an owner who has 2FA, and is logged', async () => {
    const { owner, ownerClient, server, memberClient } = await scene();
    const noTwoFactor = await setPolicy(ownerClient, server.uuid, true);
    expect(noTwoFactor.status).toBe(403);
    expect(noTwoFactor.body.errors[0]).toMatchObject({ code: 'TwoFactorRequired', meta: { reason: 'owner' } });
    expect((await setPolicy(memberClient, server.uuid, true)).status).toBe(403);
    const admin = await signedIn(await quickUser(panel.app.db, { rootAdmin: true }));
    expect((await setPolicy(admin, server.uuid, true)).status).toBe(403);
    expect((await setPolicy(ownerClient, server.uuid, 'yes' as unknown as boolean)).status).toBe(422);

    await enrolTotp(ownerClient);
    expect((await setPolicy(ownerClient, server.uuid, true)).status).toBe(204);
    expect((await ownerClient.get(`/api/client/servers/${server.uuid}`)).body.attributes.require_2fa).toBe(true);
    const row = (await activityOf(panel, owner.id)).find((a) => a.event === 'server:settings.require-2fa');
    expect(row?.properties).toEqual({ old: false, new: true });
  });

  it('answers 403 TwoFactorRequired to a member without 2FA on every route of that server, until they enrol', async () => {
    const { ownerClient, server, member, memberClient } = await scene();
    await enrolTotp(ownerClient);
    expect((await setPolicy(ownerClient, server.uuid, true)).status).toBe(204);

    for (const path of ['', '/websocket', '/files/list', '/resources']) {
      const res = await memberClient.get(`/api/client/servers/${server.uuid}${path}`);
      expect(res.status, path).toBe(403);
      expect(res.body.errors[0]).toMatchObject({ code: 'TwoFactorRequired', meta: { reason: 'server', enrol_url: '/account#security' } });
    }
    const command = await memberClient.post(`/api/client/servers/${server.uuid}/command`, { command: 'help' });
    expect(command.body.errors[0].code).toBe('TwoFactorRequired');
    const viaKey = await new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, member)).get(`/api/client/servers/${server.identifier}`);
    expect(viaKey.status).toBe(403);
    // The server still shows in their list (so the UI can say why), and a stranger still gets 404.
    const list = await memberClient.get('/api/client');
    expect(list.body.data.map((s: { attributes: { uuid: string; require_2fa: boolean } }) => s.attributes)).toContainEqual(expect.objectContaining({ uuid: server.uuid, require_2fa: true }));
    const stranger = await signedIn(await quickUser(panel.app.db));
    expect((await stranger.get(`/api/client/servers/${server.uuid}`)).status).toBe(404);
    // Owner and root admins are not bound by the server's policy.
    expect((await ownerClient.get(`/api/client/servers/${server.uuid}`)).status).toBe(200);
    const admin = await signedIn(await quickUser(panel.app.db, { rootAdmin: true }));
    expect((await admin.get(`/api/client/servers/${server.uuid}`)).status).toBe(200);

    await enrolTotp(memberClient);
    expect((await memberClient.get(`/api/client/servers/${server.uuid}`)).status).toBe(200);
    expect((await memberClient.get(`/api/client/servers/${server.uuid}/files/list`)).status).toBe(200);
  });

  it('lets members back in when the owner turns it off', async () => {
    const { ownerClient, server, memberClient } = await scene();
    await enrolTotp(ownerClient);
    await setPolicy(ownerClient, server.uuid, true);
    expect((await memberClient.get(`/api/client/servers/${server.uuid}`)).status).toBe(403);
    expect((await setPolicy(ownerClient, server.uuid, false)).status).toBe(204);
    expect((await memberClient.get(`/api/client/servers/${server.uuid}`)).status).toBe(200);
  });
});

describe('an admin enforcing 2FA on a user (CLI)', () => {
  it('sends the user to enrolment and refuses every other call until they enrol', async () => {
    const user = await quickUser(panel.app.db);
    const own = await makeServer(panel.app.db, user);
    const run = await cli(panel, 'user:require-2fa', '--email', user.email);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ email: user.email, require_2fa: true, enrolled: false });

    const c = new HttpClient(panel.url);
    const login = await c.login(user.email, TEST_PASSWORD);
    expect(login.body.data).toMatchObject({ complete: true, intended: '/account#security' });
    const refused = await c.get('/api/client');
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0]).toMatchObject({ code: 'TwoFactorRequired', meta: { reason: 'account' } });
    expect((await c.get(`/api/client/servers/${own.uuid}`)).status).toBe(403);
    expect((await c.get('/api/client/account/ssh-keys')).status).toBe(403);
    const account = await c.get('/api/client/account');
    expect(account.body.attributes).toMatchObject({ two_factor_required: true, two_factor_enrolment_required: true });
    expect((await c.get('/api/client/account/passkeys')).status).toBe(200);

    await enrolTotp(c);
    expect((await c.get('/api/client')).status).toBe(200);
    expect((await c.get('/api/client/account')).body.attributes.two_factor_enrolment_required).toBe(false);
    const off = await setUserTwoFactorEnforced(panel.app, null, user.email, false);
    expect(off).toMatchObject({ requireTwoFactor: false, enrolled: true });
  }, 90_000); // the CLI is a real process, compiled by tsx on start
});
