import { randomBytes, randomUUID } from 'node:crypto';
import { insertChallenge, insertPasskey, syncPasskeyCount } from '@db/repositories/passkeys';
import type { UserRow } from '@db/schema/users';
import { newTotpEnrolment } from '@server/auth/totp';
import { credentialHash } from '@server/services/passkeys/finish-passkey-registration';
import { coseKey, SoftAuthenticator } from '../factories/passkeys-authenticator';
import type { Fixture, Scene } from './fixtures';

/** Fixtures for the passkey routes and the server 2FA policy (DESIGN §22). The matrix panel runs with APP_URL set. */
function origin(scene: Scene): string {
  if (!scene.app.config.APP_URL) throw new Error('the matrix panel needs APP_URL (passkeys are off at an IP address)');
  return new URL(scene.app.config.APP_URL).origin;
}

const challenge = () => randomBytes(32).toString('base64url');
const soon = () => new Date(Date.now() + 60_000);

/** Turns TOTP on for a user (in the row and the object the matrix signs in with, which finishes its checkpoint). */
async function withTotp(scene: Scene, user: UserRow): Promise<UserRow> {
  const enrolment = await newTotpEnrolment(scene.app.secrets.appKey, user.email);
  await scene.app.pool.query('UPDATE users SET totp_enabled = 1, totp_secret = ? WHERE id = ?', [enrolment.sealed, user.id]);
  return Object.assign(user, { totpEnabled: true, totpSecret: enrolment.sealed });
}

/** A user holding one passkey of a software authenticator (and TOTP, so the matrix can finish its sign-in). */
async function withPasskey(scene: Scene): Promise<{ caller: UserRow; auth: SoftAuthenticator; uuid: string }> {
  const caller = await withTotp(scene, await scene.user());
  const auth = new SoftAuthenticator(origin(scene));
  auth.register({ challenge: challenge(), rp: { id: new URL(origin(scene)).hostname }, user: { id: Buffer.from(caller.uuid).toString('base64url') } });
  const credential = auth.credentials[0];
  if (!credential) throw new Error('no credential');
  const uuid = randomUUID();
  const id = credential.id.toString('base64url');
  await insertPasskey(scene.app.db, {
    uuid, userId: caller.id, name: 'matrix', credentialId: id, credentialHash: credentialHash(id),
    publicKey: coseKey(credential.publicKey).toString('base64url'), counter: 0, transports: ['usb'], deviceType: 'singleDevice',
    backedUp: false, createdAt: new Date(),
  });
  await syncPasskeyCount(scene.app.db, caller.id, new Date());
  return { caller, auth, uuid };
}

export const PASSKEY_FIXTURES: Readonly<Record<string, Fixture>> = {
  'POST /api/client/account/passkeys/options': (s) => ({ body: { password: s.password } }),
  'POST /api/client/account/passkeys': async (s) => {
    const caller = await s.user();
    const value = challenge();
    await insertChallenge(s.app.db, { challenge: value, purpose: 'register', userId: caller.id, expiresAt: soon() }, new Date());
    const credential = new SoftAuthenticator(origin(s)).register({
      challenge: value, rp: { id: new URL(origin(s)).hostname }, user: { id: Buffer.from(caller.uuid).toString('base64url') },
    });
    return { caller, body: { name: 'matrix key', credential } };
  },
  'PUT /api/client/account/passkeys/:passkey': async (s) => {
    const { caller, uuid } = await withPasskey(s);
    return { caller, params: { passkey: uuid }, body: { name: 'renamed' } };
  },
  'DELETE /api/client/account/passkeys/:passkey': async (s) => {
    const { caller, uuid } = await withPasskey(s);
    return { caller, params: { passkey: uuid }, body: { password: s.password } };
  },
  'POST /auth/passkey': async (s) => {
    const { auth } = await withPasskey(s);
    const value = challenge();
    await insertChallenge(s.app.db, { challenge: value, purpose: 'sign-in', userId: null, expiresAt: soon() }, new Date());
    return { body: { credential: auth.assert({ challenge: value, rpId: new URL(origin(s)).hostname }) } };
  },
  'POST /api/client/servers/:server/settings/require-2fa': async (s) => {
    await withTotp(s, s.owner);
    return { body: { enabled: true } };
  },
};
