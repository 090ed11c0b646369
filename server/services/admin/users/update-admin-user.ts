import { bumpSessionEpoch, emailTakenByOther, findUserByLogin, lockUser, updateUser } from '@db/repositories/users';
import { setRolesOfUser } from '@db/repositories/admin-roles';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../../context';
import { conflict, forbidden, notFound } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { hashPassword } from '../../../auth/passwords';
import { diff, logAdminAction } from '../audit';
import { holdsEverything } from '../grant-check';
import { keepOneSuperAdmin } from '../super-admin-rule';

export interface AdminUserPatch {
  readonly email?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly root_admin?: boolean | undefined;
  /** Enforce 2FA (DESIGN §22): until the user enrols, every route but enrolment answers 403. */
  readonly require_two_factor?: boolean | undefined;
}

/**
 * Edits an account. Toggling the admin flag needs a super-admin (and nobody toggles their own); dropping it also
 * drops the user's admin roles and is refused for the last super-admin. A new password or a demotion ends the
 * user's sessions, sockets and SFTP sessions.
 */
export async function updateAdminUser(app: AppContext, actor: Actor, userId: number, patch: AdminUserPatch): Promise<UserRow> {
  const changesAdmin = patch.root_admin !== undefined;
  const result = await app.db.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (!user || user.status === 'deleted') throw notFound();
    if (changesAdmin && patch.root_admin !== user.rootAdmin) {
      if (!holdsEverything(actor)) throw forbidden('Only a super-admin can change whether an account is an admin.');
      if (user.id === actor.user.id) throw forbidden('You cannot change your own admin flag.');
      if (!patch.root_admin) await keepOneSuperAdmin(tx, user);
    }
    if (patch.email !== undefined && await emailTakenByOther(tx, patch.email, user.id)) {
      throw conflict('A user with that email address already exists.', { source_field: 'email' });
    }
    if (patch.username !== undefined && patch.username !== user.username) {
      const other = await findUserByLogin(tx, patch.username);
      if (other && other.id !== user.id) throw conflict('A user with that username already exists.', { source_field: 'username' });
    }
    const now = app.clock.now();
    const next: Partial<UserRow> = {
      ...(patch.email !== undefined ? { email: patch.email.toLowerCase() } : {}),
      ...(patch.username !== undefined ? { username: patch.username } : {}),
      ...(patch.root_admin !== undefined ? { rootAdmin: patch.root_admin } : {}),
      ...(patch.require_two_factor !== undefined ? { requireTwoFactor: patch.require_two_factor } : {}),
    };
    await updateUser(tx, user.id, { ...next, ...(patch.password ? { password: await hashPassword(patch.password) } : {}), updatedAt: now });
    const demoted = user.rootAdmin && patch.root_admin === false;
    if (demoted) await setRolesOfUser(tx, user.id, [], now);
    const endSessions = Boolean(patch.password) || demoted;
    if (endSessions) await bumpSessionEpoch(tx, user.id, now);
    const fields = (u: Partial<UserRow>) => ({ email: u.email, username: u.username, root_admin: u.rootAdmin, require_two_factor: u.requireTwoFactor });
    const change = diff(fields(user), fields({ ...user, ...next }));
    if (change || patch.password) {
      await logAdminAction(tx, app.clock, actor, 'user.update', {
        user: user.uuid, ...(change ?? { old: {}, new: {} }), ...(patch.password ? { password_changed: true } : {}),
      });
    }
    return { user: { ...user, ...next }, endSessions };
  });
  if (result.endSessions || patch.require_two_factor !== undefined) await app.bus.publish({ userUuid: result.user.uuid, serverUuid: null });
  return result.user;
}
