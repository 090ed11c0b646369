import { ERROR_CODES } from '@contracts/errors';
import { TWO_FACTOR_ENROL_PATH, TWO_FACTOR_MESSAGES, twoFactorBlock, type TwoFactorBlock, type TwoFactorUser } from '@contracts/two-factor';
import { httpError, type HttpError } from '../../http/errors';

/** 403 TwoFactorRequired, saying why and where to enrol (`meta.enrol_url`). */
export function twoFactorRequired(block: TwoFactorBlock): HttpError {
  return httpError(403, ERROR_CODES.twoFactorRequired, TWO_FACTOR_MESSAGES[block], { reason: block, enrol_url: TWO_FACTOR_ENROL_PATH });
}

/** Refuses a user an admin requires to enrol in 2FA and who has not yet (routes marked `enrolment` skip this). */
export function requireEnrolled(user: TwoFactorUser): void {
  if (twoFactorBlock(user) === 'account') throw twoFactorRequired('account');
}
