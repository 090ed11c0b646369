import { emailTakenByOther, updateUser } from '@db/repositories/users';
import type { AppContext } from '../../context';
import { validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { requirePassword } from './require-password';

/** `PUT /account/email`: needs the current password; the address must be free (compared case-folded). */
export async function updateAccountEmail(app: AppContext, actor: Actor, input: { email: string; password: string }): Promise<void> {
  await requirePassword(app.db, actor.user, input.password, 'password');
  const email = input.email.toLowerCase();
  if (email === actor.user.email) return;
  await app.db.transaction(async (tx) => {
    if (await emailTakenByOther(tx, email, actor.user.id)) {
      throw validationError('email', 'The email has already been taken.', 'unique');
    }
    await updateUser(tx, actor.user.id, { email, updatedAt: app.clock.now() });
    await logActivity(tx, app.clock, { event: 'user:account.email-changed', actor, properties: { old: actor.user.email, new: email } });
  }).catch((err: unknown) => {
    // Two requests racing for the same address: the unique index decides, and the loser gets the same 422.
    if (isDuplicateEntry(err)) throw validationError('email', 'The email has already been taken.', 'unique');
    throw err;
  });
}

function isDuplicateEntry(err: unknown): boolean {
  const cause = err instanceof Error && 'cause' in err ? err.cause : err;
  return typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === 'ER_DUP_ENTRY';
}
