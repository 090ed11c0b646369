import { deleteApiKey as removeApiKey, findApiKey } from '@db/repositories/api-keys';
import { API_KEY_PREFIX } from '../../auth/api-key-token';
import type { AppContext } from '../../context';
import { forbidden, notFound } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';

/** `DELETE /account/api-keys/{identifier}`: only the actor's own keys; the identifier may carry the `ptlc_` prefix. */
export async function deleteApiKey(app: AppContext, actor: Actor, identifier: string): Promise<void> {
  if (actor.apiKey) throw forbidden('API keys cannot be used to delete API keys.');
  const id = identifier.startsWith(API_KEY_PREFIX) ? identifier.slice(API_KEY_PREFIX.length, API_KEY_PREFIX.length + 16) : identifier;
  await app.db.transaction(async (tx) => {
    const key = await findApiKey(tx, actor.user.id, id);
    if (!key || key.keyType !== 'client' || !(await removeApiKey(tx, actor.user.id, key.id))) throw notFound();
    await logActivity(tx, app.clock, { event: 'user:api-key.delete', actor, properties: { identifier: key.identifier } });
  });
}
