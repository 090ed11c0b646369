import { findUserById } from '@db/repositories/users';
import type { Executor } from '@db/client';
import type { UserRow } from '@db/schema/users';
import { notFound } from '../../../http/errors';

/** The account an admin route names by numeric id (Pterodactyl's `{user}`); deleted accounts only when asked. */
export async function findTargetUser(db: Executor, ref: string, opts: { deletedToo?: boolean } = {}): Promise<UserRow> {
  const id = /^\d{1,18}$/.test(ref) ? Number(ref) : NaN;
  const user = Number.isSafeInteger(id) ? await findUserById(db, id) : null;
  if (!user || (user.status === 'deleted' && !opts.deletedToo)) throw notFound();
  return user;
}
