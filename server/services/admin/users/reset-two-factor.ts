import { deleteRecoveryCodes } from '@db/repositories/recovery-codes';
import { lockUser, updateUser } from '@db/repositories/users';
import type { AppContext } from '../../../context';
import { badRequest, notFound } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { logAdminAction } from '../audit';

/** Resets a user's TOTP (secret and recovery codes gone): for a user who lost their device. Passkeys stay. */
export async function resetTwoFactor(app: AppContext, actor: Actor, userId: number): Promise<void> {
  const uuid = await app.db.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (!user || user.status === 'deleted') throw notFound();
    if (!user.totpEnabled) throw badRequest('Two-factor authentication is not enabled on this account.');
    await updateUser(tx, user.id, { totpEnabled: false, totpSecret: null, totpLastStep: null, updatedAt: app.clock.now() });
    await deleteRecoveryCodes(tx, user.id);
    await logAdminAction(tx, app.clock, actor, 'user.two-factor.reset', { user: user.uuid, old: { totp: true }, new: { totp: false } });
    return user.uuid;
  });
  await app.bus.publish({ userUuid: uuid, serverUuid: null });
}
