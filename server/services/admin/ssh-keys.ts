import { deleteSshKeyById, findSshKeyById, listAllSshKeys, type SshKeyWithOwner } from '@db/repositories/admin-lists';
import { findSshKey, insertSshKey } from '@db/repositories/ssh-keys';
import type { SshKeyRow } from '@db/schema/credentials';
import type { AppContext } from '../../context';
import { notFound, validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { parseSshPublicKey } from '../../auth/ssh-public-key';
import { logAdminAction } from './audit';
import { paginated } from './transformers';
import { findTargetUser } from './users/find-target';

export function adminSshKeyItem({ key, owner, copies }: SshKeyWithOwner) {
  return {
    object: 'ssh_key' as const,
    attributes: {
      id: key.id, name: key.name, fingerprint: key.fingerprint, public_key: key.publicKey, created_at: key.createdAt.toISOString(),
      owner: { id: owner.id, uuid: owner.uuid, email: owner.email, username: owner.username },
      /** Keys sharing this fingerprint (any owner): more than 1 marks a duplicate group. */
      duplicates: copies,
    },
  };
}

/** Every key with its owner, grouped by fingerprint; `search` matches fingerprint, owner email or key name. */
export async function listSshKeysForAdmin(app: AppContext, search: string | undefined, page: number, perPage: number) {
  const { rows, total } = await listAllSshKeys(app.db, search, { limit: perPage, offset: (page - 1) * perPage });
  return paginated(rows.map(adminSshKeyItem), total, page, perPage);
}

/** Adds a key on behalf of a user (the same checks as the user's own: parsed, unique per user). */
export async function addSshKeyForUser(app: AppContext, actor: Actor, input: { user: number; name: string; public_key: string }): Promise<SshKeyRow> {
  const owner = await findTargetUser(app.db, String(input.user)).catch(() => { throw validationError('user', 'No such user.', 'exists'); });
  const parsed = parseSshPublicKey(input.public_key);
  if ('error' in parsed) throw validationError('public_key', parsed.error, 'ssh_key');
  return app.db.transaction(async (tx) => {
    if (await findSshKey(tx, owner.id, parsed.fingerprint)) throw validationError('public_key', 'This user already has that key.', 'unique');
    const row = await insertSshKey(tx, { userId: owner.id, name: input.name.trim(), fingerprint: parsed.fingerprint, publicKey: parsed.publicKey, createdAt: app.clock.now() });
    await logAdminAction(tx, app.clock, actor, 'ssh-key.create', { user: owner.uuid, name: row.name, fingerprint: row.fingerprint });
    return row;
  });
}

/** Deletes a leaked key on behalf of its owner; the owner's SFTP sessions are re-judged. */
export async function deleteSshKeyForAdmin(app: AppContext, actor: Actor, id: number): Promise<void> {
  const ownerUuid = await app.db.transaction(async (tx) => {
    const key = await findSshKeyById(tx, id);
    if (!key) throw notFound();
    const owner = await findTargetUser(tx, String(key.userId), { deletedToo: true });
    await deleteSshKeyById(tx, id);
    await logAdminAction(tx, app.clock, actor, 'ssh-key.delete', { user: owner.uuid, name: key.name, fingerprint: key.fingerprint });
    return owner.uuid;
  });
  await app.bus.publish({ userUuid: ownerUuid, serverUuid: null });
}
