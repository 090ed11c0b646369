import type { Request } from 'express';
import { generateRegistrationOptions } from '@simplewebauthn/server';
import type { AuthenticatorTransportFuture, PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { listPasskeys } from '@db/repositories/passkeys';
import type { AppContext } from '../../context';
import { badRequest } from '../../http/errors';
import type { Actor } from '../../http/types';
import { requirePassword } from '../account/require-password';
import { storeChallenge } from './challenges';
import { requireRelyingParty } from './relying-party';

export const MAX_PASSKEYS = 10;

/**
 * `POST /account/passkeys/options {password}`: the creation options for a new passkey (a discoverable credential
 * where the authenticator can, so it also signs in without a password). Needs the current password, as enabling TOTP
 * does. The challenge is stored for this account, single-use, for five minutes.
 */
export async function startPasskeyRegistration(app: AppContext, actor: Actor, req: Request,
  input: { password: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const rp = requireRelyingParty(app, req);
  await requirePassword(app.db, actor.user, input.password, 'password');
  const existing = await listPasskeys(app.db, actor.user.id);
  if (existing.length >= MAX_PASSKEYS) throw badRequest(`You have reached the account limit for number of passkeys (${MAX_PASSKEYS}).`);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.rpID,
    userID: new TextEncoder().encode(actor.user.uuid),
    userName: actor.user.username ?? actor.user.email,
    userDisplayName: actor.user.email,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports as AuthenticatorTransportFuture[] })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await storeChallenge(app, options.challenge, 'register', actor.user.id);
  return options;
}
