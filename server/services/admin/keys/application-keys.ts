import { z } from 'zod';
import { isAdminPermission } from '@contracts/admin-permissions';
import { countApiKeys, deleteApiKey, findApiKey, insertApiKey, listApiKeys } from '@db/repositories/api-keys';
import { lockUser } from '@db/repositories/users';
import type { ApiKeyRow } from '@db/schema/credentials';
import type { AppContext } from '../../../context';
import { badRequest, forbidden, notFound } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { mintApiKey } from '../../../auth/api-key-token';
import { logAdminAction } from '../audit';
import { requireHeld } from '../grant-check';

export const applicationKeyInput = z.object({
  description: z.string().trim().min(1).max(500),
  allowed_ips: z.array(z.string().max(64)).max(50).default([]),
  /** The admin keys this key may use (null = all its owner's, at the moment of each call). */
  permissions: z.array(z.string().refine(isAdminPermission, 'must be a known admin permission')).max(200).nullable().default(null),
});
export type ApplicationKeyInput = z.infer<typeof applicationKeyInput>;

const MAX_KEYS = 25;

function sessionOnly(actor: Actor): void {
  if (actor.apiKey) throw forbidden('This action requires a session; API keys cannot perform it.');
}

const isApplication = (k: ApiKeyRow) => k.keyType === 'application';

/** Mints a `ptla_` key for the signed-in admin; a scoped key lists only keys its owner holds. Shown once. */
export async function createApplicationKey(app: AppContext, actor: Actor, input: ApplicationKeyInput): Promise<{ key: ApiKeyRow; token: string }> {
  sessionOnly(actor);
  if (input.permissions) requireHeld(actor, input.permissions.filter(isAdminPermission));
  const minted = mintApiKey('application');
  const key = await app.db.transaction(async (tx) => {
    await lockUser(tx, actor.user.id);
    if ((await countApiKeys(tx, actor.user.id)) >= MAX_KEYS) throw badRequest(`You have reached the account limit of ${MAX_KEYS} API keys.`);
    const now = app.clock.now();
    await insertApiKey(tx, {
      userId: actor.user.id, identifier: minted.identifier, tokenHash: minted.hash, memo: input.description,
      allowedIps: input.allowed_ips, keyType: 'application', adminPermissions: input.permissions, createdAt: now,
    });
    const row = await findApiKey(tx, actor.user.id, minted.identifier);
    if (!row) throw new Error('inserted key not found');
    await logAdminAction(tx, app.clock, actor, 'api-key.create', { identifier: row.identifier, permissions: row.adminPermissions });
    return row;
  });
  return { key, token: minted.token };
}

export async function listApplicationKeys(app: AppContext, actor: Actor): Promise<ApiKeyRow[]> {
  return (await listApiKeys(app.db, actor.user.id)).filter(isApplication);
}

export async function deleteApplicationKey(app: AppContext, actor: Actor, identifier: string): Promise<void> {
  sessionOnly(actor);
  await app.db.transaction(async (tx) => {
    const key = await findApiKey(tx, actor.user.id, identifier);
    if (!key || !isApplication(key)) throw notFound();
    await deleteApiKey(tx, actor.user.id, key.id);
    await logAdminAction(tx, app.clock, actor, 'api-key.delete', { identifier });
  });
}
