import type { Request } from 'express';
import { findUserByLogin } from '@db/repositories/users';
import { insertActivity } from '@db/repositories/activity';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../context';
import { SUSPENDED_MESSAGE } from '../auth/authenticate';
import { issueCsrfToken } from '../auth/csrf';
import { verifyPassword } from '../auth/passwords';
import { httpError } from '../http/errors';

const INVALID = 'These credentials do not match our records.';

/** Checks a password sign-in; never says which part was wrong. */
export async function checkCredentials(app: AppContext, req: Request, login: string, password: string): Promise<UserRow> {
  const user = await findUserByLogin(app.db, login);
  const ok = user !== null && user.status === 'active' && (await verifyPassword(user.password, password));
  if (!user || !ok) {
    await insertActivity(app.db, {
      event: 'auth:fail', actorId: user?.id ?? null, ip: req.ip ?? null,
      userAgent: (req.get('user-agent') ?? '').slice(0, 500), properties: { user: login.slice(0, 191) }, timestamp: app.clock.now(),
    });
    throw httpError(401, 'InvalidCredentialsException', INVALID);
  }
  if (user.suspended) throw httpError(403, 'AccountSuspendedException', SUSPENDED_MESSAGE);
  return user;
}

/** Starts a fresh session (new id) for the user. */
export function establishSession(req: Request, user: UserRow): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.auth = { userId: user.id, epoch: user.sessionEpoch };
      if (req.res) issueCsrfToken(req, req.res);
      req.session.save((e) => (e ? reject(e) : resolve()));
    });
  });
}
