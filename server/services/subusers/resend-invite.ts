import { findSubuserByUserUuid, retireInviteTokens, setInviteToken } from '@db/repositories/subusers';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { inviteMail } from '../../mail/templates';
import { logActivity } from '../activity';
import { notAwaitingInvite } from './errors';
import { inviteExpiry, inviteLink, mintInviteToken } from './invite-token';
import type { CreatedSubuser } from './create-subuser';
import { deliver, revoke } from './notify';
import { displayName } from './transform';

/** Issues a fresh invite link for an invited row and mails it; the previous link stops working at once. */
export async function resendInvite(
  app: AppContext, actor: Actor, access: ServerAccess, userUuid: string, ttlHours: number | undefined,
): Promise<CreatedSubuser> {
  const invite = mintInviteToken();
  const result = await app.db.transaction(async (tx) => {
    const found = await findSubuserByUserUuid(tx, access.server.id, userUuid, true);
    if (!found) throw notFound();
    if (found.subuser.status !== 'invited') throw notAwaitingInvite();
    const now = app.clock.now();
    const expiresAt = inviteExpiry(now, ttlHours ?? app.config.INVITE_TTL_HOURS);
    // One account has at most one live link, whichever server's invite (or bulk invite) it came from.
    await retireInviteTokens(tx, found.user.id, found.subuser.id, expiresAt, now);
    await setInviteToken(tx, access.server.id, found.subuser.id, invite.hash, expiresAt, now);
    await logActivity(tx, app.clock, {
      event: 'server:invite.resend', actor, serverId: access.server.id,
      properties: { email: found.user.email, expires_at: expiresAt.toISOString() },
    });
    return { user: found.user, subuser: { ...found.subuser, inviteTokenHash: invite.hash, inviteExpiresAt: expiresAt, updatedAt: now } };
  });
  await deliver(app, inviteMail({
    to: result.user.email, serverName: access.server.name, inviter: displayName(actor.user),
    link: inviteLink(app.config, invite.token), expiresAt: result.subuser.inviteExpiresAt,
  }));
  await revoke(app, [result.user.uuid], access.server.uuid);
  return result;
}
