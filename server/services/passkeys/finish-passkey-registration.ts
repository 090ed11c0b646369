import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { verifyRegistrationResponse, type VerifiedRegistrationResponse } from '@simplewebauthn/server';
import { findPasskey, findPasskeyByCredential, insertPasskey, listPasskeys, syncPasskeyCount } from '@db/repositories/passkeys';
import { lockUser } from '@db/repositories/users';
import type { PasskeyRow } from '@db/schema/passkeys';
import type { AppContext } from '../../context';
import { badRequest, validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { useChallenge } from './challenges';
import type { RegistrationResponse } from './inputs';
import { requireRelyingParty } from './relying-party';
import { MAX_PASSKEYS } from './start-passkey-registration';

export const credentialHash = (id: string) => createHash('sha256').update(id).digest('hex');
const DUPLICATE = 'This passkey is already registered.';

/**
 * `POST /account/passkeys {name, credential}`: verifies the authenticator's answer to the stored challenge (origin,
 * RP ID, signature over the attestation) and keeps the credential with its counter, in one transaction with
 * `auth:passkey.create`.
 */
export async function finishPasskeyRegistration(app: AppContext, actor: Actor, req: Request,
  input: { name: string; credential: RegistrationResponse }): Promise<PasskeyRow> {
  const rp = requireRelyingParty(app, req);
  const challenge = await useChallenge(app, input.credential.response.clientDataJSON, 'register', actor.user.id, 'credential');
  let verification: VerifiedRegistrationResponse;
  try {
    verification = await verifyRegistrationResponse({
      response: input.credential, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.rpID,
      requireUserVerification: false,
    });
  } catch (err) {
    throw validationError('credential', `The passkey could not be verified: ${err instanceof Error ? err.message : 'invalid response'}.`, 'webauthn');
  }
  if (!verification.verified) throw validationError('credential', 'The passkey could not be verified.', 'webauthn');
  const { credential, credentialDeviceType, credentialBackedUp, aaguid } = verification.registrationInfo;
  const uuid = randomUUID();
  const hash = credentialHash(credential.id);
  const row = await app.db.transaction(async (tx) => {
    const now = app.clock.now();
    await lockUser(tx, actor.user.id);
    if ((await listPasskeys(tx, actor.user.id)).length >= MAX_PASSKEYS) {
      throw badRequest(`You have reached the account limit for number of passkeys (${MAX_PASSKEYS}).`);
    }
    if (await findPasskeyByCredential(tx, hash)) throw validationError('credential', DUPLICATE, 'unique');
    await insertPasskey(tx, {
      uuid, userId: actor.user.id, name: input.name, credentialId: credential.id, credentialHash: hash,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'), counter: credential.counter,
      transports: credential.transports ?? input.credential.response.transports ?? [], deviceType: credentialDeviceType,
      backedUp: credentialBackedUp, aaguid, createdAt: now,
    });
    await syncPasskeyCount(tx, actor.user.id, now);
    await logActivity(tx, app.clock, { event: 'auth:passkey.create', actor, properties: { passkey: uuid, name: input.name } });
    return findPasskey(tx, actor.user.id, uuid);
  }).catch((err: unknown) => {
    const cause = err instanceof Error && 'cause' in err ? err.cause : err;
    if (typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === 'ER_DUP_ENTRY') {
      throw validationError('credential', DUPLICATE, 'unique');
    }
    throw err;
  });
  if (!row) throw new Error('inserted passkey not found');
  return row;
}
