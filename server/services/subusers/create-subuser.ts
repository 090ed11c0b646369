import { validationError } from '../../http/errors';
import { randomUUID } from 'node:crypto';
import type { SubuserRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { findUserByEmail, insertUser } from '@db/repositories/users';
import { insertSubuser, isDuplicateEntry } from '@db/repositories/subusers';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { addedToServerMail, inviteMail } from '../../mail/templates';
import { logActivity } from '../activity';
import { duplicateSubuser, ownerCannotBeSubuser, permissionsNotHeld, unknownPermissions } from './errors';
import { deniedOnCreate, normalizeKeys, unknownKeys } from './grant-rule';
import type { CreateSubuserBody } from './inputs';
import { appBaseUrl, inviteExpiry, inviteLink, mintInviteToken } from './invite-token';
import { deliver, revoke } from './notify';
import { resolveLink } from '../roles/resolve-role';
import { displayName } from './transform';

export interface CreatedSubuser {
  readonly subuser: SubuserRow;
  readonly user: UserRow;
}

/**
 * Adds a subuser by email (DESIGN §4): an active account is attached at once; an unknown email gets a pending
 * account and a single-use invite link. Duplicates are caught by the unique index, so two concurrent requests
 * cannot both succeed.
 */
export async function createSubuser(app: AppContext, actor: Actor, access: ServerAccess, input: CreateSubuserBody): Promise<CreatedSubuser> {
  // A role (DESIGN §20) gives the keys; the grant rule judges them exactly as explicit ones.
  const requested = input.role ? (await resolveLink(app.db, access.server, input.role, input.overrides)).permissions : input.permissions ?? [];
  const unknown = unknownKeys(requested);
  if (unknown.length) throw unknownPermissions(unknown);
  const denied = deniedOnCreate(access.permissions, requested);
  if (denied.length) throw permissionsNotHeld(denied);
  await app.throttles.hit('subuser.create', access.server.id);
  const ttl = input.invite_ttl_hours ?? app.config.INVITE_TTL_HOURS;
  const invite = mintInviteToken();

  const attempt = () => app.db.transaction(async (tx) => {
    const now = app.clock.now();
    // Read again under a lock: the role may have been edited since the check above.
    const link = input.role ? await resolveLink(tx, access.server, input.role, input.overrides, true) : null;
    const permissions = link ? link.permissions : normalizeKeys(requested);
    const lacking = deniedOnCreate(access.permissions, permissions);
    if (lacking.length) throw permissionsNotHeld(lacking);
    let user = await findUserByEmail(tx, input.email);
    if (user && user.id === access.server.ownerId) throw ownerCannotBeSubuser();
    if (user?.status === 'deleted') throw validationError('email', 'This account has been deleted and cannot be added.', 'deleted');
    user ??= await insertUser(tx, {
      uuid: randomUUID(), email: input.email, username: null, password: null, status: 'pending', createdAt: now, updatedAt: now,
    });
    const invited = user.status === 'pending';
    const subuser = await insertSubuser(tx, {
      serverId: access.server.id, userId: user.id, permissions, status: invited ? 'invited' : 'active',
      roleId: link?.roleId ?? null, builtinRole: link?.builtinRole ?? null, overrides: link?.overrides ?? null,
      inviteTokenHash: invited ? invite.hash : null, inviteExpiresAt: invited ? inviteExpiry(now, ttl) : null,
      createdAt: now, updatedAt: now,
    });
    await logActivity(tx, app.clock, {
      event: 'server:subuser.create', actor, serverId: access.server.id,
      properties: { email: user.email, permissions, invited, ...(link ? { role: input.role, role_name: link.name, overrides: link.overrides } : {}) },
    });
    return { subuser, user };
  });

  let created: CreatedSubuser;
  try {
    created = await attempt();
  } catch (err) {
    if (!isDuplicateEntry(err)) throw err;
    // Either this server already has the subuser, or a concurrent request created the pending account first:
    // one retry tells them apart (the second attempt finds the account and hits the subuser index, if any).
    try {
      created = await attempt();
    } catch (again) {
      if (isDuplicateEntry(again)) throw duplicateSubuser();
      throw again;
    }
  }

  const server = access.server;
  const inviter = displayName(actor.user);
  if (created.subuser.status === 'invited' && created.subuser.inviteExpiresAt) {
    await deliver(app, inviteMail({
      to: created.user.email, serverName: server.name, inviter, link: inviteLink(app.config, invite.token), expiresAt: created.subuser.inviteExpiresAt,
    }));
  } else {
    await deliver(app, addedToServerMail({
      to: created.user.email, serverName: server.name, inviter, link: `${appBaseUrl(app.config)}/server/${server.identifier}`,
    }));
  }
  await revoke(app, [created.user.uuid], server.uuid);
  return created;
}
