import argon2 from 'argon2';
import type { Executor } from '@db/client';
import type { UserRow } from '@db/schema/users';
import { makeUser, TEST_PASSWORD } from '../factories/records';

let cheap: Promise<string> | null = null;

/** A user whose password (TEST_PASSWORD) is hashed with cheap argon2id parameters: sign-ins stay real but fast. */
export async function quickUser(db: Executor, overrides: Partial<UserRow> = {}): Promise<UserRow> {
  cheap ??= argon2.hash(TEST_PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
  return makeUser(db, { password: await cheap, ...overrides });
}
