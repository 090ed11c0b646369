import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { findApiKeyPrincipal, findSessionPrincipal } from '@db/repositories/principal';
import { sessions } from '@db/schema/credentials';
import { users } from '@db/schema/users';
import { parseApiKey } from '@server/auth/api-key-token';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

/**
 * Issue 24: the user every request reads with its caller and membership carries no secrets. The password hash and the
 * TOTP secret and step (and a membership's invite token hash) stay in the database until a service that checks them
 * reads them (requirePassword, enabling 2FA); the per-request row is narrower for it.
 */
let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel({ env: { RUNNER_ENABLED: 'false' } }); });
afterAll(async () => { await panel?.close(); });

const SECRETS = ['password', 'totpSecret', 'totpLastStep'] as const;

describe('the per-request principal', () => {
  it('reads the user without the password hash or the TOTP secret, by API key and by session', async () => {
    const db = panel.app.db;
    const owner = await makeUser(db);
    const member = await makeUser(db);
    await db.update(users).set({ totpSecret: 'sealed-secret', totpLastStep: 42 }).where(eq(users.id, member.id));
    const server = await makeServer(db, owner);
    await makeSubuser(db, server, member, ['control.console']);
    const key = parseApiKey(await makeApiKey(db, member))!;

    for (const withAllocations of [false, true]) {
      const byKey = await findApiKeyPrincipal(db, key.identifier, server.uuid, withAllocations);
      expect(byKey?.user.id).toBe(member.id);
      expect(byKey?.user.email).toBe(member.email);
      expect(byKey?.subuser?.userId).toBe(member.id);
      for (const secret of SECRETS) expect(byKey?.user).not.toHaveProperty(secret);
      // Nor the membership's invite token hash; the key row brings what authentication and the audit use.
      expect(byKey?.subuser).not.toHaveProperty('inviteTokenHash');
      expect(byKey?.key.tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(byKey?.key.identifier).toBe(key.identifier);
      expect(byKey?.user.createdAt).toBeInstanceOf(Date);
      expect(byKey?.user.createdAt.getTime()).toBe(member.createdAt.getTime());
    }

    const client = new HttpClient(panel.url);
    await client.login(member.email, TEST_PASSWORD);
    const [row] = await db.select().from(sessions).limit(1);
    const sid = decodeURIComponent(client.cookie('cohost_session')!).slice(2).split('.')[0]!;
    expect(row).toBeDefined();
    const bySession = await findSessionPrincipal(db, sid, member.id, server.identifier, Math.floor(Date.now() / 1000));
    expect(bySession?.user.uuid).toBe(member.uuid);
    for (const secret of SECRETS) expect(bySession?.user).not.toHaveProperty(secret);
  });

  it('a password check still reads the hash: a wrong current password is refused, the right one accepted', async () => {
    const user = await makeUser(panel.app.db);
    const client = new HttpClient(panel.url);
    await client.login(user.email, TEST_PASSWORD);
    const wrong = await client.put('/api/client/account/email', { email: `x-${user.email}`, password: 'not the password' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.errors[0].meta.source_field).toBe('password');
    const right = await client.put('/api/client/account/email', { email: `x-${user.email}`, password: TEST_PASSWORD });
    expect(right.status).toBe(204);
  });
});
