import type { Request } from 'express';
import { bumpSessionEpoch, findUserById, updateUser } from '@db/repositories/users';
import { hashPassword } from '../../auth/passwords';
import { restampSession } from '../../auth/session-login';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { requirePassword } from './require-password';

/**
 * `PUT /account/password`: needs the current password. Bumps the session epoch, so every other session of the user
 * dies at its next request, then re-stamps the session that made the change so it stays signed in. API keys are
 * left alone (as Pterodactyl). Publishes a revocation for the user on every server once committed.
 */
export async function updateAccountPassword(app: AppContext, actor: Actor, req: Request,
  input: { current_password: string; password: string }): Promise<void> {
  await requirePassword(app.db, actor.user, input.current_password, 'current_password');
  const hash = await hashPassword(input.password);
  const epoch = await app.db.transaction(async (tx) => {
    const now = app.clock.now();
    await updateUser(tx, actor.user.id, { password: hash, updatedAt: now });
    await bumpSessionEpoch(tx, actor.user.id, now);
    await logActivity(tx, app.clock, { event: 'user:account.password-changed', actor });
    const updated = await findUserById(tx, actor.user.id);
    if (!updated) throw new Error('user vanished during password change');
    return updated.sessionEpoch;
  });
  if (!actor.apiKey) await restampSession(req, epoch);
  await app.bus.publish({ userUuid: actor.user.uuid, serverUuid: null });
}
