import { deleteSshKey } from '@db/repositories/ssh-keys';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';

/**
 * `POST /account/ssh-keys/remove {fingerprint}`: removes the actor's key with that fingerprint. As Pterodactyl,
 * an unknown fingerprint is not an error (204 either way); only a real removal is logged.
 */
export async function removeSshKey(app: AppContext, actor: Actor, fingerprint: string): Promise<void> {
  await app.db.transaction(async (tx) => {
    if (await deleteSshKey(tx, actor.user.id, fingerprint)) {
      await logActivity(tx, app.clock, { event: 'user:ssh-key.delete', actor, properties: { fingerprint } });
    }
  });
}
