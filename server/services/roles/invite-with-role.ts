import { randomUUID } from 'node:crypto';
import type { ServerRow, SubuserRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { insertSubuser, isDuplicateEntry } from '@db/repositories/subusers';
import { findUserByEmail, insertUser } from '@db/repositories/users';
import type { AppContext } from '../../context';
import { conflict, forbidden, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { addedToServerMail, inviteMail } from '../../mail/templates';
import { logActivity } from '../activity';
import { resolveServerAccess } from '../server-access';
import { permissionsNotHeld } from '../subusers/errors';
import { deniedOnCreate } from '../subusers/grant-rule';
import { appBaseUrl, inviteExpiry, inviteLink, mintInviteToken } from '../subusers/invite-token';
import { deliver, revoke } from '../subusers/notify';
import { displayName } from '../subusers/transform';
import type { BulkInviteBody } from './inputs';
import { resolveLink } from './resolve-role';

export interface BulkInvited {
  readonly user: UserRow;
  readonly memberships: ReadonlyArray<{ server: ServerRow; subuser: SubuserRow }>;
}

const names = (servers: readonly ServerRow[]) => servers.map((s) => s.name).join(', ');

/** The actor's access to each named server, each judged as a create there: 404/409 as §4, 403 without user.create. */
async function accessToAll(app: AppContext, actor: Actor, refs: readonly string[]): Promise<ServerAccess[]> {
  const out = new Map<number, ServerAccess>();
  for (const ref of refs) {
    const access = await resolveServerAccess(app.db, actor.user, ref);
    if (!access.permissions.has('user.create')) throw forbidden(`You cannot add subusers to server ${access.server.identifier}.`, { server: access.server.identifier });
    out.set(access.server.id, access);
  }
  return [...out.values()];
}

/**
 * Bulk invite (DESIGN §20): one email, one role, several servers, in one transaction. The §4 create rule is judged on
 * every server (the role's keys plus overrides must be held there); an unknown email gets one pending account, one
 * link and one mail, and accepting it activates every membership at once.
 */
export async function inviteWithRole(app: AppContext, actor: Actor, roleRef: string, input: BulkInviteBody): Promise<BulkInvited> {
  const accesses = await accessToAll(app, actor, input.servers);
  for (const access of accesses) {
    const link = await resolveLink(app.db, access.server, roleRef, input.overrides);
    const denied = deniedOnCreate(access.permissions, link.permissions);
    if (denied.length) throw permissionsNotHeld(denied);
  }
  for (const access of accesses) await app.throttles.hit('subuser.create', access.server.id);
  const ttl = input.invite_ttl_hours ?? app.config.INVITE_TTL_HOURS;
  const invite = mintInviteToken();

  let result: BulkInvited & { expiresAt: Date | null };
  try {
    result = await app.db.transaction(async (tx) => {
      const now = app.clock.now();
      let user = await findUserByEmail(tx, input.email);
      if (user && accesses.some((a) => a.server.ownerId === user?.id)) {
        throw validationError('email', 'The owner of a server cannot be added to it as a subuser.', 'not_owner');
      }
      user ??= await insertUser(tx, { uuid: randomUUID(), email: input.email, username: null, password: null, status: 'pending', createdAt: now, updatedAt: now });
      const invited = user.status === 'pending';
      const expiresAt = invited ? inviteExpiry(now, ttl) : null;
      const memberships: Array<{ server: ServerRow; subuser: SubuserRow }> = [];
      for (const [i, access] of accesses.entries()) {
        const link = await resolveLink(tx, access.server, roleRef, input.overrides, true);
        const lacking = deniedOnCreate(access.permissions, link.permissions);
        if (lacking.length) throw permissionsNotHeld(lacking);
        const subuser = await insertSubuser(tx, {
          serverId: access.server.id, userId: user.id, permissions: link.permissions, status: invited ? 'invited' : 'active',
          roleId: link.roleId, builtinRole: link.builtinRole, overrides: link.overrides,
          // One link for all: it lives on the first row (and moves on if that row is removed before acceptance).
          inviteTokenHash: invited && i === 0 ? invite.hash : null, inviteExpiresAt: expiresAt, createdAt: now, updatedAt: now,
        });
        await logActivity(tx, app.clock, {
          event: 'server:subuser.create', actor, serverId: access.server.id,
          properties: { email: user.email, permissions: link.permissions, invited, role: roleRef, role_name: link.name, overrides: link.overrides, bulk: accesses.length },
        });
        memberships.push({ server: access.server, subuser });
      }
      return { user, memberships, expiresAt };
    });
  } catch (err) {
    if (isDuplicateEntry(err)) throw conflict('That email address is already a subuser of one of these servers.', { source_field: 'email' });
    throw err;
  }

  const servers = result.memberships.map((m) => m.server);
  const inviter = displayName(actor.user);
  if (result.expiresAt) {
    await deliver(app, inviteMail({ to: result.user.email, serverName: names(servers), inviter, link: inviteLink(app.config, invite.token), expiresAt: result.expiresAt }));
  } else {
    await deliver(app, addedToServerMail({ to: result.user.email, serverName: names(servers), inviter, link: `${appBaseUrl(app.config)}/` }));
  }
  for (const server of servers) await revoke(app, [result.user.uuid], server.uuid);
  return { user: result.user, memberships: result.memberships };
}
