import { deletePasskey, findPasskey, listPasskeys, renamePasskey, syncPasskeyCount } from '@db/repositories/passkeys';
import { lockUser } from '@db/repositories/users';
import type { PasskeyRow } from '@db/schema/passkeys';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { requirePassword } from '../account/require-password';

/** The actor's own passkeys, oldest first. */
export function listOwnPasskeys(app: AppContext, actor: Actor): Promise<PasskeyRow[]> {
  return listPasskeys(app.db, actor.user.id);
}

/** `PUT /account/passkeys/{uuid} {name}`: only the actor's own; `auth:passkey.update` with the old and new name. */
export async function renameOwnPasskey(app: AppContext, actor: Actor, uuid: string, name: string): Promise<PasskeyRow> {
  return app.db.transaction(async (tx) => {
    const row = await findPasskey(tx, actor.user.id, uuid);
    if (!row) throw notFound();
    if (row.name === name) return row;
    await renamePasskey(tx, actor.user.id, row.id, name);
    await logActivity(tx, app.clock, { event: 'auth:passkey.update', actor, properties: { passkey: uuid, old: row.name, new: name } });
    return { ...row, name };
  });
}

/**
 * `DELETE /account/passkeys/{uuid} {password}`: needs the current password (as turning TOTP off does). The credential
 * is refused from then on. Publishes a revocation for the user, so a server whose 2FA policy they no longer meet
 * closes their sockets and SFTP sessions.
 */
export async function removeOwnPasskey(app: AppContext, actor: Actor, uuid: string, input: { password: string }): Promise<void> {
  await requirePassword(app.db, actor.user, input.password, 'password');
  await app.db.transaction(async (tx) => {
    const now = app.clock.now();
    await lockUser(tx, actor.user.id);
    const row = await findPasskey(tx, actor.user.id, uuid);
    if (!row || !(await deletePasskey(tx, actor.user.id, row.id))) throw notFound();
    await syncPasskeyCount(tx, actor.user.id, now);
    await logActivity(tx, app.clock, { event: 'auth:passkey.delete', actor, properties: { passkey: uuid, name: row.name } });
  });
  await app.bus.publish({ userUuid: actor.user.uuid, serverUuid: null });
}
