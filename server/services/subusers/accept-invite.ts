import { activateInvitedMemberships, findInviteByTokenHash, isDuplicateEntry, listInvitedMemberships, type InviteRow } from '@db/repositories/subusers';
import { findUserById, findUserByLogin, updateUser } from '@db/repositories/users';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../context';
import { hashPassword } from '../../auth/passwords';
import { validationError } from '../../http/errors';
import type { Executor } from '@db/client';
import { logActivity } from '../activity';
import { inviteExpired, inviteNotFound } from './errors';
import type { AcceptInviteBody } from './inputs';
import { hashInviteToken } from './invite-token';
import { revoke } from './notify';

/** The invite behind a link: 404 when unknown, replaced or used; 410 when expired. */
async function liveInvite(db: Executor, app: AppContext, token: string, lock: boolean): Promise<InviteRow> {
  const found = await findInviteByTokenHash(db, hashInviteToken(token), lock);
  if (!found || found.user.status !== 'pending') throw inviteNotFound();
  if (!found.subuser.inviteExpiresAt || found.subuser.inviteExpiresAt <= app.clock.now()) throw inviteExpired();
  return found;
}

/** What the invite page shows before the form. */
export async function viewInvite(app: AppContext, token: string) {
  const found = await liveInvite(app.db, app, token, false);
  // A bulk invite (DESIGN §20) joins several servers with one acceptance: the page lists them all.
  const memberships = await listInvitedMemberships(app.db, found.user.id);
  return {
    object: 'invite' as const,
    attributes: {
      email: found.user.email,
      server: { name: found.server.name, identifier: found.server.identifier },
      servers: memberships.map((m) => ({ name: m.server.name, identifier: m.server.identifier })),
      expires_at: found.subuser.inviteExpiresAt?.toISOString() ?? null,
    },
  };
}

const usernameTaken = () => validationError('username', 'That username is already taken.', 'unique');

/**
 * Accepts an invite: sets the username and password, makes the account active and every membership it was invited
 * to active (they were all sent to the same address the link proves), and spends the token. The invite row is
 * locked, so a link can be used once even by two concurrent requests.
 */
export async function acceptInvite(app: AppContext, token: string, input: AcceptInviteBody, meta: { ip: string; userAgent: string }): Promise<UserRow> {
  await liveInvite(app.db, app, token, false);
  if (await findUserByLogin(app.db, input.username)) throw usernameTaken();
  const password = await hashPassword(input.password);
  let accepted: { user: UserRow; servers: string[] };
  try {
    accepted = await app.db.transaction(async (tx) => {
      const found = await liveInvite(tx, app, token, true);
      const now = app.clock.now();
      const memberships = await listInvitedMemberships(tx, found.user.id);
      await updateUser(tx, found.user.id, { username: input.username, password, status: 'active', updatedAt: now });
      await activateInvitedMemberships(tx, found.user.id, now);
      const user = await findUserById(tx, found.user.id);
      if (!user) throw inviteNotFound();
      const actor = { user, apiKey: null, ip: meta.ip, userAgent: meta.userAgent };
      for (const m of memberships) {
        await logActivity(tx, app.clock, { event: 'server:invite.accept', actor, serverId: m.server.id, properties: { email: user.email } });
      }
      return { user, servers: memberships.map((m) => m.server.uuid) };
    });
  } catch (err) {
    if (isDuplicateEntry(err)) throw usernameTaken();
    throw err;
  }
  for (const serverUuid of accepted.servers) await revoke(app, [accepted.user.uuid], serverUuid);
  return accepted.user;
}
