import type { Request, Response } from 'express';
import type { UserRow } from '@db/schema/users';
import type { PrincipalUser } from '@db/repositories/principal';
import type { AppContext } from '../../../context';
import { badRequest, forbidden } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { startImpersonation, startSession } from '../../../auth/session-login';
import { logAdminAction } from '../audit';

/**
 * Signs the admin's session in as a user (DESIGN §21): refused for admins, suspended or deleted accounts, and through
 * API keys. From now on every request acts as the user and every activity row also names the admin; the start and
 * the stop are audit entries.
 */
export async function impersonateUser(app: AppContext, actor: Actor, target: UserRow, req: Request, res: Response): Promise<void> {
  if (actor.apiKey) throw forbidden('Impersonation needs a browser session; API keys cannot perform it.');
  if (actor.impersonator) throw badRequest('Stop the current impersonation first.');
  if (target.rootAdmin) throw forbidden('Admins cannot be impersonated.');
  if (target.suspended || target.status !== 'active') throw badRequest('Only an active, unsuspended account can be impersonated.');
  await logAdminAction(app.db, app.clock, actor, 'user.impersonate.start', { user: target.uuid, email: target.email });
  await startImpersonation(req, res, actor.user, target);
}

/**
 * Ends an impersonation: the session is the admin's own again (fresh id), and the stop is audited. A session that is
 * not impersonating has nothing to stop and stays as it is.
 */
export async function stopImpersonating(app: AppContext, actor: Actor, req: Request, res: Response): Promise<PrincipalUser> {
  const admin = actor.impersonator;
  if (!admin) return actor.user;
  await logAdminAction(app.db, app.clock, { ...actor, user: admin, impersonator: null }, 'user.impersonate.stop', {
    user: actor.user.uuid, email: actor.user.email,
  });
  await startSession(req, res, admin);
  return admin;
}
