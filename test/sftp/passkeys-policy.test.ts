import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, TEST_PASSWORD } from '../factories/records';
import { enrolTotp, quickUser, setPolicy } from '../integration/passkeys-support';
import { op, openSshBatch, ssh2Connect } from './clients';

/** A server's 2FA policy on SFTP (DESIGN §22): login refused, and open sessions end when the policy turns on. */
let panel: TestPanel;
let server: ServerRow;
let owner: HttpClient;
let user: UserRow;
let login: string;

beforeAll(async () => {
  panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000' } });
  const ownerUser = await quickUser(panel.app.db);
  server = await makeServer(panel.app.db, ownerUser);
  owner = new HttpClient(panel.url);
  await owner.login(ownerUser.email, TEST_PASSWORD);
  await enrolTotp(owner);
  user = await quickUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, ['file.sftp', 'file.read']);
  login = `${user.username}.${server.identifier}`;
});
afterAll(async () => { await panel?.close(); });

async function failReasons(): Promise<string[]> {
  const [rows] = await panel.app.pool.query("SELECT properties FROM activity_logs WHERE event LIKE 'auth:sftp%' AND actor_id = ? ORDER BY id", [user.id]);
  return (rows as Array<{ properties: string | { reason?: string } }>).map((r) => (typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties).reason ?? '');
}

describe('SFTP on a server that requires 2FA', () => {
  it('ends an open session when the policy turns on and refuses new logins until the member enrols', async () => {
    const session = await ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD });
    expect(Array.isArray(await op.readdir(session.sftp, '/'))).toBe(true);
    expect((await setPolicy(owner, server.uuid, true)).status).toBe(204);
    await session.closed;

    await expect(ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD })).rejects.toThrow(/authentication/i);
    const openssh = await openSshBatch({ port: panel.sftpPort, login, password: TEST_PASSWORD, commands: ['ls /'] });
    expect(openssh.code).not.toBe(0);
    await expect.poll(failReasons).toContain('two-factor authentication required');

    const client = new HttpClient(panel.url);
    await client.login(user.email, TEST_PASSWORD);
    await enrolTotp(client);
    const again = await ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD });
    expect(Array.isArray(await op.readdir(again.sftp, '/'))).toBe(true);
    again.end();
  });
});
