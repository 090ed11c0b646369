import type { Request, Response } from 'express';
import { generateAuthenticationOptions } from '@simplewebauthn/server';
import type { AuthenticatorTransportFuture, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { listPasskeys } from '@db/repositories/passkeys';
import type { UserRow } from '@db/schema/users';
import { SUSPENDED_MESSAGE } from '../../auth/authenticate';
import { startSession } from '../../auth/session-login';
import type { AppContext } from '../../context';
import { httpError } from '../../http/errors';
import { logAuthEvent } from '../account/auth-activity';
import { storeChallenge } from './challenges';
import type { AuthenticationResponse } from './inputs';
import { requireRelyingParty } from './relying-party';
import { verifyPasskeyAssertion } from './verify-passkey-assertion';

/**
 * `POST /auth/passkey/options`: request options for a passwordless sign-in. No credential list: the browser offers
 * the discoverable passkeys it holds for this RP ID, with user verification (PIN or biometrics) required.
 */
export async function startPasswordlessSignIn(app: AppContext, req: Request): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rp = requireRelyingParty(app, req);
  const options = await generateAuthenticationOptions({ rpID: rp.rpID, userVerification: 'required', allowCredentials: [] });
  await storeChallenge(app, options.challenge, 'sign-in', null);
  return options;
}

/** Request options for the second-factor step, listing the pending account's passkeys. */
export async function startSecondFactor(app: AppContext, req: Request, user: UserRow): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const rp = requireRelyingParty(app, req);
  const mine = await listPasskeys(app.db, user.id);
  if (mine.length === 0) throw httpError(400, 'BadRequestHttpException', 'This account has no passkey; use an authentication or recovery code.');
  const options = await generateAuthenticationOptions({
    rpID: rp.rpID, userVerification: 'preferred',
    allowCredentials: mine.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
  });
  await storeChallenge(app, options.challenge, 'second-factor', user.id);
  return options;
}

/**
 * `POST /auth/passkey {credential}`: a passwordless sign-in. A passkey verified with user verification is two factors
 * in one (the device and its PIN or biometrics), so it completes the sign-in even when TOTP is on.
 */
export async function finishPasswordlessSignIn(app: AppContext, req: Request, res: Response, credential: AuthenticationResponse): Promise<UserRow> {
  const rp = requireRelyingParty(app, req);
  const { user } = await verifyPasskeyAssertion(app, req, rp, credential, { purpose: 'sign-in', userId: null, code: 'InvalidCredentialsException' });
  if (user.status !== 'active') throw httpError(401, 'InvalidCredentialsException', 'The passkey could not be verified.');
  if (user.suspended) {
    await logAuthEvent(app.db, app.clock, req, 'auth:fail', user, { reason: 'suspended' });
    throw httpError(403, 'AccountSuspendedException', SUSPENDED_MESSAGE);
  }
  await startSession(req, res, user);
  await logAuthEvent(app.db, app.clock, req, 'auth:login', user, { method: 'passkey' });
  return user;
}
