import { randomBytes, randomUUID } from 'node:crypto';
import { insertServer } from '@db/repositories/servers';
import { insertUser } from '@db/repositories/users';
import { insertSubuser } from '@db/repositories/subusers';
import type { ServerRow, SubuserRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import type { Executor } from '@db/client';
import { hashPassword } from '@server/auth/passwords';
import { mintApiKey } from '@server/auth/api-key-token';
import { insertApiKey } from '@db/repositories/api-keys';

/** Test records written straight to the database (the services under test are exercised through HTTP). */
let cachedHash: Promise<string> | null = null;
export const TEST_PASSWORD = 'correct horse battery staple';

export async function makeUser(db: Executor, overrides: Partial<UserRow> = {}): Promise<UserRow> {
  cachedHash ??= hashPassword(TEST_PASSWORD);
  const tag = randomBytes(4).toString('hex');
  const now = new Date();
  return insertUser(db, {
    uuid: randomUUID(), email: `user-${tag}@example.com`, username: `user_${tag}`, password: await cachedHash,
    status: 'active', createdAt: now, updatedAt: now, ...overrides,
  });
}

export async function makeServer(db: Executor, owner: UserRow, overrides: Partial<ServerRow> = {}): Promise<ServerRow> {
  const uuid = randomUUID();
  const now = new Date();
  return insertServer(db, {
    uuid, identifier: uuid.slice(0, 8), name: `Server ${uuid.slice(0, 4)}`, ownerId: owner.id,
    startupCommand: 'node sample-game-server.mjs', createdAt: now, updatedAt: now, ...overrides,
  });
}

export async function makeSubuser(db: Executor, server: ServerRow, user: UserRow, permissions: string[], overrides: Partial<SubuserRow> = {}): Promise<SubuserRow> {
  const now = new Date();
  return insertSubuser(db, {
    serverId: server.id, userId: user.id, permissions: [...new Set(['websocket.connect', ...permissions])],
    status: 'active', createdAt: now, updatedAt: now, ...overrides,
  });
}

/** An API key for `user`, returned as the full `ptlc_…` token. */
export async function makeApiKey(db: Executor, user: UserRow, overrides: Partial<{ allowedIps: string[]; expiresAt: Date | null }> = {}): Promise<string> {
  const key = mintApiKey();
  await insertApiKey(db, {
    userId: user.id, identifier: key.identifier, tokenHash: key.hash, memo: 'test', allowedIps: overrides.allowedIps ?? [],
    expiresAt: overrides.expiresAt ?? null, createdAt: new Date(),
  });
  return key.token;
}
