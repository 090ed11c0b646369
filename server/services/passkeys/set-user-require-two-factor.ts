import { hasSecondFactor } from '@contracts/two-factor';
import { setUserRequireTwoFactor } from '@db/repositories/two-factor-policy';
import { findUserByEmail } from '@db/repositories/users';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../context';
import { validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';

/**
 * An admin enforces (or stops enforcing) 2FA on an account (CLI `user:require-2fa`; later the admin area). Until the
 * user has TOTP or a passkey, sign-in sends them to enrolment and every other API call answers 403 TwoFactorRequired;
 * their sockets and SFTP sessions are re-judged once committed.
 */
export async function setUserTwoFactorEnforced(app: Pick<AppContext, 'db' | 'clock' | 'bus'>, actor: Actor | null,
  email: string, enabled: boolean): Promise<UserRow & { enrolled: boolean }> {
  const user = await findUserByEmail(app.db, email);
  if (!user) throw validationError('email', `No account exists with the email ${email}.`, 'exists');
  await app.db.transaction(async (tx) => {
    await setUserRequireTwoFactor(tx, user.id, enabled, app.clock.now());
    await logActivity(tx, app.clock, {
      event: 'user:account.require-2fa', actor, properties: { user: user.uuid, email: user.email, old: user.requireTwoFactor, new: enabled },
    });
  });
  await app.bus.publish({ userUuid: user.uuid, serverUuid: null });
  return { ...user, requireTwoFactor: enabled, enrolled: hasSecondFactor(user) };
}
