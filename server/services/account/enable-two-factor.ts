import { replaceRecoveryCodes } from '@db/repositories/recovery-codes';
import { findUserById, lockUser, updateUser } from '@db/repositories/users';
import { hashRecoveryCode, newRecoveryCodes } from '../../auth/recovery-codes';
import { openTotpSecret, verifyTotp } from '../../auth/totp';
import type { AppContext } from '../../context';
import { badRequest, validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { requirePassword } from './require-password';

/**
 * `POST /account/two-factor {code, password}`: confirms the pending secret with a code, turns 2FA on and returns
 * 10 new single-use recovery codes (shown once, stored hashed). The confirming code's time step counts as used.
 */
export async function enableTwoFactor(app: AppContext, actor: Actor, input: { code: string; password: string }): Promise<string[]> {
  if (actor.user.totpEnabled) throw badRequest('Two-factor authentication is already enabled on this account.');
  await requirePassword(app.db, actor.user, input.password, 'password');
  const pending = await findUserById(app.db, actor.user.id);
  const secret = openTotpSecret(app.secrets.appKey, pending?.totpSecret ?? null);
  if (!secret) throw badRequest('Start two-factor enrolment first (GET /api/client/account/two-factor).');
  const step = await verifyTotp(secret, input.code.trim(), app.clock.now(), pending?.totpLastStep ?? null);
  if (step === null) throw validationError('code', 'The two-factor authentication token provided is not valid.', 'totp');
  const codes = newRecoveryCodes();
  const hashes = await Promise.all(codes.map(hashRecoveryCode));
  await app.db.transaction(async (tx) => {
    const now = app.clock.now();
    const current = await lockUser(tx, actor.user.id);
    if (!current || current.totpEnabled || current.totpSecret !== pending?.totpSecret) {
      throw badRequest('Two-factor enrolment changed meanwhile; start again.');
    }
    await updateUser(tx, actor.user.id, { totpEnabled: true, totpLastStep: step, updatedAt: now });
    await replaceRecoveryCodes(tx, actor.user.id, hashes, now);
    await logActivity(tx, app.clock, { event: 'user:two-factor.create', actor });
  });
  return codes;
}
