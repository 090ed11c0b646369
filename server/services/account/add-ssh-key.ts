import { findSshKey, insertSshKey } from '@db/repositories/ssh-keys';
import type { SshKeyRow } from '@db/schema/credentials';
import { parseSshPublicKey } from '../../auth/ssh-public-key';
import type { AppContext } from '../../context';
import { validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';

/** `POST /account/ssh-keys {name, public_key}`: ed25519, ecdsa or RSA ≥ 2048; unique per user by fingerprint. */
export async function addSshKey(app: AppContext, actor: Actor, input: { name: string; public_key: string }): Promise<SshKeyRow> {
  const parsed = parseSshPublicKey(input.public_key);
  if ('error' in parsed) throw validationError('public_key', parsed.error, 'ssh_key');
  const duplicate = () => validationError('public_key', 'The public key provided already exists on your account.', 'unique');
  return app.db.transaction(async (tx) => {
    if (await findSshKey(tx, actor.user.id, parsed.fingerprint)) throw duplicate();
    const row = await insertSshKey(tx, {
      userId: actor.user.id, name: input.name.trim(), fingerprint: parsed.fingerprint, publicKey: parsed.publicKey,
      createdAt: app.clock.now(),
    });
    await logActivity(tx, app.clock, { event: 'user:ssh-key.create', actor, properties: { fingerprint: parsed.fingerprint } });
    return row;
  }).catch((err: unknown) => {
    const cause = err instanceof Error && 'cause' in err ? err.cause : err;
    if (typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === 'ER_DUP_ENTRY') throw duplicate();
    throw err;
  });
}
