import { countApiKeys, findApiKey, insertApiKey } from '@db/repositories/api-keys';
import { lockUser } from '@db/repositories/users';
import type { ApiKeyRow } from '@db/schema/credentials';
import { mintApiKey } from '../../auth/api-key-token';
import type { AppContext } from '../../context';
import { badRequest, forbidden, validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { MAX_API_KEYS, type ApiKeyInput } from './api-key-input';

/**
 * Mints a `ptlc_` key for the actor. Only from a session or the operator's CLI, never with a key (a key cannot mint
 * keys). At most 25 per user, counted under a lock on the user row so parallel requests cannot overshoot.
 * The full token is returned once; only the sha256 of its secret is stored.
 */
export async function createApiKey(app: Pick<AppContext, 'db' | 'clock'>, actor: Actor, input: ApiKeyInput): Promise<{ key: ApiKeyRow; token: string }> {
  if (actor.apiKey) throw forbidden('API keys cannot be used to create API keys.');
  const now = app.clock.now();
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt <= now) throw validationError('expires_at', 'The expires at must be a date in the future.', 'after');
  const minted = mintApiKey();
  const key = await app.db.transaction(async (tx) => {
    await lockUser(tx, actor.user.id);
    if ((await countApiKeys(tx, actor.user.id)) >= MAX_API_KEYS) {
      throw badRequest(`You have reached the account limit for number of API keys (${MAX_API_KEYS}).`);
    }
    await insertApiKey(tx, {
      userId: actor.user.id, identifier: minted.identifier, tokenHash: minted.hash,
      memo: (input.description ?? input.memo ?? '').trim(), allowedIps: input.allowed_ips, expiresAt, createdAt: now,
    });
    await logActivity(tx, app.clock, { event: 'user:api-key.create', actor, properties: { identifier: minted.identifier } });
    return findApiKey(tx, actor.user.id, minted.identifier);
  });
  if (!key) throw new Error('inserted api key not found');
  return { key, token: minted.token };
}
