import { updateUser } from '@db/repositories/users';
import { newTotpEnrolment } from '../../auth/totp';
import type { AppContext } from '../../context';
import { badRequest } from '../../http/errors';
import type { Actor } from '../../http/types';

/**
 * `GET /account/two-factor`: a new secret for enrolment, kept encrypted on the account until a code confirms it
 * (as Pterodactyl, each visit replaces the unconfirmed secret). Refused while 2FA is already on.
 */
export async function startTwoFactor(app: AppContext, actor: Actor) {
  if (actor.user.totpEnabled) throw badRequest('Two-factor authentication is already enabled on this account.');
  const enrolment = await newTotpEnrolment(app.secrets.appKey, actor.user.email);
  await updateUser(app.db, actor.user.id, { totpSecret: enrolment.sealed, totpLastStep: null, updatedAt: app.clock.now() });
  return enrolment;
}
