import { deleteRecoveryCodes } from '@db/repositories/recovery-codes';
import { updateUser } from '@db/repositories/users';
import type { AppContext } from '../../context';
import { badRequest } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { requirePassword } from './require-password';

/** `DELETE /account/two-factor {password}`: turns 2FA off and forgets the secret and every recovery code. */
export async function disableTwoFactor(app: AppContext, actor: Actor, input: { password: string }): Promise<void> {
  await requirePassword(app.db, actor.user, input.password, 'password');
  if (!actor.user.totpEnabled) throw badRequest('Two-factor authentication is not enabled on this account.');
  await app.db.transaction(async (tx) => {
    await updateUser(tx, actor.user.id, { totpEnabled: false, totpSecret: null, totpLastStep: null, updatedAt: app.clock.now() });
    await deleteRecoveryCodes(tx, actor.user.id);
    await logActivity(tx, app.clock, { event: 'user:two-factor.delete', actor });
  });
  // A server whose 2FA policy the user no longer meets closes their sockets and SFTP sessions.
  await app.bus.publish({ userUuid: actor.user.uuid, serverUuid: null });
}
