import { ERROR_CODES } from '@contracts/errors';
import { hasSecondFactor, TWO_FACTOR_ENROL_PATH } from '@contracts/two-factor';
import { listSubuserUuids, setServerRequireTwoFactor } from '@db/repositories/two-factor-policy';
import { lockServer } from '@db/repositories/servers';
import type { AppContext } from '../../context';
import { forbidden, httpError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';

/**
 * `POST /servers/{server}/settings/require-2fa {enabled}` (owner only): requires two-factor authentication of the
 * server's subusers. The owner must have 2FA themselves to turn it on. One transaction with
 * `server:settings.require-2fa`; then every subuser's sockets and SFTP sessions on the server are re-judged, so those
 * without a second factor are disconnected at once.
 */
export async function setServerTwoFactorPolicy(app: AppContext, actor: Actor, access: ServerAccess, enabled: boolean): Promise<void> {
  if (!access.isOwner) throw forbidden('Only the server owner can perform this action.');
  if (enabled && !hasSecondFactor(actor.user)) {
    throw httpError(403, ERROR_CODES.twoFactorRequired,
      'Enable two-factor authentication (TOTP or a passkey) on your own account before requiring it of this server\'s users.',
      { reason: 'owner', enrol_url: TWO_FACTOR_ENROL_PATH });
  }
  const changed = await app.db.transaction(async (tx) => {
    const server = await lockServer(tx, access.server.id);
    if (!server || server.requireTwoFactor === enabled) return false;
    await setServerRequireTwoFactor(tx, server.id, enabled, app.clock.now());
    await logActivity(tx, app.clock, {
      event: 'server:settings.require-2fa', actor, serverId: server.id, properties: { old: server.requireTwoFactor, new: enabled },
    });
    return true;
  });
  if (!changed) return;
  const members = await listSubuserUuids(app.db, access.server.id);
  await Promise.all(members.map((userUuid) => app.bus.publish({ userUuid, serverUuid: access.server.uuid })));
}
