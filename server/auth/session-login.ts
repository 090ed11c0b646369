import type { Request, Response } from 'express';
import type { UserRow } from '@db/schema/users';
import { issueCsrfToken } from './csrf';

function save(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((e) => (e ? reject(e) : resolve())));
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((e) => (e ? reject(e) : resolve())));
}

/** Signs the user in on a fresh session id (no fixation), under their current epoch, with a new CSRF token. */
export async function startSession(req: Request, res: Response, user: Pick<UserRow, 'id' | 'sessionEpoch'>): Promise<void> {
  await regenerate(req);
  req.session.auth = { userId: user.id, epoch: user.sessionEpoch };
  issueCsrfToken(req, res);
  await save(req);
}

/** A half-finished 2FA sign-in, on a fresh session id; the password step is done, the code step is not. */
export async function startPendingCheckpoint(req: Request, res: Response, pending: { userId: number; token: string; expiresAt: number }): Promise<void> {
  await regenerate(req);
  req.session.pending2fa = pending;
  issueCsrfToken(req, res);
  await save(req);
}

/** After a password change: this session survives the epoch bump that ends every other one. */
export async function restampSession(req: Request, epoch: number): Promise<void> {
  if (!req.session?.auth) return;
  req.session.auth = { ...req.session.auth, epoch };
  await save(req);
}

export async function endSession(req: Request): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.destroy((e) => (e ? reject(e) : resolve())));
}

/**
 * Impersonation (DESIGN §21): the session acts as `target` while remembering the admin, so every request is
 * attributed to both; `stopImpersonating` signs the admin back in as themself. Both happen on a fresh session id.
 */
export async function startImpersonation(req: Request, res: Response, admin: Pick<UserRow, 'id' | 'sessionEpoch'>,
  target: Pick<UserRow, 'id' | 'sessionEpoch'>): Promise<void> {
  await regenerate(req);
  req.session.auth = { userId: target.id, epoch: target.sessionEpoch, impersonator: { userId: admin.id, epoch: admin.sessionEpoch } };
  issueCsrfToken(req, res);
  await save(req);
}
