import argon2 from 'argon2';
import { generate } from 'otplib';
import type { Executor } from '@db/client';
import type { UserRow } from '@db/schema/users';
import type { HttpClient } from '../factories/http';
import { makeUser, TEST_PASSWORD } from '../factories/records';

let cheap: Promise<string> | null = null;

/** A user whose password (TEST_PASSWORD) is hashed with cheap argon2id parameters: sign-ins stay real but fast. */
export async function quickUser(db: Executor, overrides: Partial<UserRow> = {}): Promise<UserRow> {
  cheap ??= argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
  return makeUser(db, { password: await cheap, ...overrides });
}

/** Turns TOTP on through the routes, as a user would with an authenticator app. */
export async function enrolTotp(client: HttpClient): Promise<void> {
  const setup = await client.get('/api/client/account/two-factor');
  if (setup.status !== 200) throw new Error(`two-factor setup: ${setup.status} ${setup.text}`);
  const code = await generate({ secret: setup.body.data.secret as string, epoch: Math.floor(Date.now() / 1000) });
  const res = await client.post('/api/client/account/two-factor', { code, password: TEST_PASSWORD });
  if (res.status !== 200) throw new Error(`two-factor enable: ${res.status} ${res.text}`);
}

/** The server's 2FA policy, set through the owner's route. */
export function setPolicy(owner: HttpClient, serverUuid: string, enabled: boolean) {
  return owner.post(`/api/client/servers/${serverUuid}/settings/require-2fa`, { enabled });
}
