import { timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { consumeRecoveryCode, listRecoveryCodes } from '@db/repositories/recovery-codes';
import { advanceTotpStep, findUserById } from '@db/repositories/users';
import type { UserRow } from '@db/schema/users';
import { checkCsrf } from '../../auth/csrf';
import { recoveryCodeMatches } from '../../auth/recovery-codes';
import { startSession } from '../../auth/session-login';
import { openTotpSecret, verifyTotp } from '../../auth/totp';
import { hasSecondFactor } from '@contracts/two-factor';
import type { AppContext } from '../../context';
import { httpError } from '../../http/errors';
import type { AuthenticationResponse } from '../passkeys/inputs';
import { requireRelyingParty } from '../passkeys/relying-party';
import { verifyPasskeyAssertion } from '../passkeys/verify-passkey-assertion';
import { logAuthEvent } from './auth-activity';

export interface CheckpointInput {
  readonly confirmation_token: string;
  readonly authentication_code?: string | undefined;
  readonly recovery_token?: string | undefined;
  /** A WebAuthn assertion answering the options from `POST /auth/login/checkpoint/passkey`. */
  readonly passkey?: AuthenticationResponse | undefined;
}

const EXPIRED = 'The authentication token provided has expired, please refresh the page and try again.';
const INVALID_CODE = 'The two-factor authentication token provided is not valid.';

/**
 * The code step of a 2FA sign-in (`POST /auth/login/checkpoint`): the pending state lives in the session that did
 * the password step. A TOTP code is accepted once per time step; a recovery code once, ever; a passkey assertion
 * once per challenge, with its signature counter checked.
 */
export async function finishCheckpoint(app: AppContext, req: Request, res: Response, input: CheckpointInput): Promise<UserRow> {
  const user = await pendingUser(app, req, input.confirmation_token);
  if (input.passkey !== undefined) {
    const rp = requireRelyingParty(app, req);
    await verifyPasskeyAssertion(app, req, rp, input.passkey, { purpose: 'second-factor', userId: user.id, code: 'TwoFactorAuthenticationTokenInvalid' });
    await startSession(req, res, user);
    return user;
  }
  const used = input.recovery_token !== undefined
    ? await useRecoveryCode(app, req, user, input.recovery_token)
    : await useTotpCode(app, req, user, input.authentication_code ?? '');
  if (!used) {
    await logAuthEvent(app.db, app.clock, req, 'auth:fail', user, { reason: 'two-factor' });
    throw httpError(401, 'TwoFactorAuthenticationTokenInvalid', INVALID_CODE);
  }
  await startSession(req, res, user);
  return user;
}

/** The account of the session's pending checkpoint (CSRF checked, token matched, not expired), or 401. */
export async function pendingUser(app: AppContext, req: Request, confirmationToken: string): Promise<UserRow> {
  checkCsrf(req);
  const pending = req.session.pending2fa;
  if (!pending || !sameToken(pending.token, confirmationToken) || pending.expiresAt <= app.clock.now().getTime()) {
    if (pending && pending.expiresAt <= app.clock.now().getTime()) delete req.session.pending2fa;
    throw httpError(401, 'AuthenticationException', EXPIRED);
  }
  const user = await findUserById(app.db, pending.userId);
  if (!user || user.status !== 'active' || user.suspended || !hasSecondFactor(user)) {
    delete req.session.pending2fa;
    throw httpError(401, 'AuthenticationException', EXPIRED);
  }
  return user;
}

/** Uses the code's time step and logs `auth:checkpoint` in one transaction; false when wrong or already used. */
async function useTotpCode(app: AppContext, req: Request, user: UserRow, code: string): Promise<boolean> {
  if (!user.totpEnabled) return false;
  const secret = openTotpSecret(app.secrets.appKey, user.totpSecret);
  if (!secret) return false;
  const step = await verifyTotp(secret, code.trim(), app.clock.now(), user.totpLastStep);
  if (step === null) return false;
  return app.db.transaction(async (tx) => {
    if (!(await advanceTotpStep(tx, user.id, step))) return false;
    await logAuthEvent(tx, app.clock, req, 'auth:checkpoint', user);
    return true;
  });
}

/** Consumes the matching recovery code and logs `auth:recovery-token` in one transaction. */
async function useRecoveryCode(app: AppContext, req: Request, user: UserRow, code: string): Promise<boolean> {
  for (const row of await listRecoveryCodes(app.db, user.id)) {
    if (!(await recoveryCodeMatches(row.codeHash, code))) continue;
    return app.db.transaction(async (tx) => {
      if (!(await consumeRecoveryCode(tx, user.id, row.id))) return false;
      await logAuthEvent(tx, app.clock, req, 'auth:recovery-token', user);
      return true;
    });
  }
  return false;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
