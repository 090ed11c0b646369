import type { Request } from 'express';
import { verifyAuthenticationResponse, type VerifiedAuthenticationResponse } from '@simplewebauthn/server';
import type { AuthenticatorTransportFuture } from '@simplewebauthn/server';
import { advancePasskeyCounter, findPasskeyByCredential } from '@db/repositories/passkeys';
import { findUserById } from '@db/repositories/users';
import type { PasskeyChallengePurpose, PasskeyRow } from '@db/schema/passkeys';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../context';
import { httpError } from '../../http/errors';
import { logAuthEvent } from '../account/auth-activity';
import { useChallenge } from './challenges';
import { credentialHash } from './finish-passkey-registration';
import type { AuthenticationResponse } from './inputs';
import type { RelyingParty } from './relying-party';

export const PASSKEY_REFUSED = 'The passkey could not be verified.';

export interface Assertion {
  readonly purpose: Exclude<PasskeyChallengePurpose, 'register'>;
  /** The account the sign-in is for (second factor); null for a passwordless sign-in, which finds it by credential. */
  readonly userId: number | null;
  readonly code: string;
}

/**
 * Checks a WebAuthn assertion: the challenge is used once; the credential must exist (a removed passkey is refused)
 * and belong to the expected account; signature, origin, RP ID and user presence are verified (user verification
 * too for a passwordless sign-in); the signature counter must grow and is stored in one transaction with
 * `auth:passkey.use`. Any failure is logged as `auth:fail` and answers 401 with `code`.
 */
export async function verifyPasskeyAssertion(app: AppContext, req: Request, rp: Extract<RelyingParty, { enabled: true }>,
  response: AuthenticationResponse, assertion: Assertion): Promise<{ user: UserRow; passkey: PasskeyRow }> {
  const challenge = await useChallenge(app, response.response.clientDataJSON, assertion.purpose, assertion.userId, 'credential');
  const passkey = await findPasskeyByCredential(app.db, credentialHash(response.id));
  const user = passkey ? await findUserById(app.db, passkey.userId) : assertion.userId !== null ? await findUserById(app.db, assertion.userId) : null;
  const refuse = async (reason: string): Promise<never> => {
    await logAuthEvent(app.db, app.clock, req, 'auth:fail', user, { reason: 'passkey', detail: reason, ...(passkey ? { passkey: passkey.uuid } : {}) });
    throw httpError(401, assertion.code, PASSKEY_REFUSED);
  };
  if (!passkey || !user) return refuse('unknown credential');
  if (assertion.userId !== null && passkey.userId !== assertion.userId) return refuse('credential of another account');
  const handle = response.response.userHandle;
  if (handle && Buffer.from(handle, 'base64url').toString('utf8') !== user.uuid) return refuse('user handle mismatch');
  let verification: VerifiedAuthenticationResponse;
  try {
    verification = await verifyAuthenticationResponse({
      response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.rpID,
      requireUserVerification: assertion.purpose === 'sign-in',
      credential: {
        id: passkey.credentialId, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter,
        transports: passkey.transports as AuthenticatorTransportFuture[],
      },
    });
  } catch (err) {
    return refuse(err instanceof Error ? err.message.slice(0, 200) : 'invalid assertion');
  }
  if (!verification.verified) return refuse('signature');
  const { newCounter } = verification.authenticationInfo;
  const stored = await app.db.transaction(async (tx) => {
    if (!(await advancePasskeyCounter(tx, passkey.id, passkey.counter, newCounter, app.clock.now()))) return false;
    await logAuthEvent(tx, app.clock, req, 'auth:passkey.use', user, {
      passkey: passkey.uuid, name: passkey.name, mode: assertion.purpose === 'sign-in' ? 'passwordless' : 'second-factor',
    });
    return true;
  });
  if (!stored) return refuse('counter raced');
  return { user, passkey: { ...passkey, counter: newCounter } };
}
