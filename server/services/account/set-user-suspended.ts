import { bumpSessionEpoch, findUserByEmail, updateUser } from '@db/repositories/users';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../context';
import { validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';

/**
 * Suspends or reinstates an account (operators: CLI; later the admin area). Suspending bumps the session epoch, so
 * every session ends at its next request and stays dead after reinstatement; API keys are refused while suspended
 * (checked on every call). A revocation for the user on every server is published after the commit, so sockets
 * and SFTP sessions end too.
 */
export async function setUserSuspended(app: Pick<AppContext, 'db' | 'clock' | 'bus'>, actor: Actor | null,
  email: string, suspended: boolean): Promise<UserRow> {
  const user = await findUserByEmail(app.db, email);
  if (!user) throw validationError('email', `No account exists with the email ${email}.`, 'exists');
  await app.db.transaction(async (tx) => {
    const now = app.clock.now();
    await updateUser(tx, user.id, { suspended, updatedAt: now });
    if (suspended) await bumpSessionEpoch(tx, user.id, now);
    await logActivity(tx, app.clock, {
      event: suspended ? 'user:account.suspended' : 'user:account.unsuspended', actor,
      properties: { user: user.uuid, email: user.email },
    });
  });
  await app.bus.publish({ userUuid: user.uuid, serverUuid: null });
  return { ...user, suspended };
}
