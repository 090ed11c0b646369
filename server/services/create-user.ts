import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { findUserByEmail, findUserByLogin, insertUser } from '@db/repositories/users';
import type { Executor } from '@db/client';
import type { UserRow } from '@db/schema/users';
import { hashPassword } from '../auth/passwords';
import { conflict, fromZod } from '../http/errors';

export const newUserInput = z.object({
  email: z.email({ error: 'must be a valid email address' }).max(191),
  username: z.string().min(1).max(191).regex(/^[a-zA-Z0-9_.-]+$/, 'may contain only letters, digits, _ . and -'),
  password: z.string().min(8, 'must be at least 8 characters').max(1024),
  rootAdmin: z.boolean().default(false),
});
export type NewUserInput = z.input<typeof newUserInput>;

/** Creates an active account (operators' CLI, the demo seed, tests). */
export async function createUser(db: Executor, input: NewUserInput, now: Date): Promise<UserRow> {
  const parsed = newUserInput.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error);
  const { email, username, password, rootAdmin } = parsed.data;
  if (await findUserByEmail(db, email)) throw conflict('A user with that email address already exists.', { source_field: 'email' });
  if (await findUserByLogin(db, username)) throw conflict('A user with that username already exists.', { source_field: 'username' });
  return insertUser(db, {
    uuid: randomUUID(), email, username, password: await hashPassword(password), rootAdmin,
    status: 'active', createdAt: now, updatedAt: now,
  });
}
