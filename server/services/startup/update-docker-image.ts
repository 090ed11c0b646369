import { z } from 'zod';
import { lockServer } from '@db/repositories/servers';
import { saveServerStartup } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import { badRequest, notFound, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { loadStartup } from './load-startup';
import { requireKey } from './require-key';

export const dockerImageBody = z.object({ docker_image: z.string().min(1).max(255) });

/**
 * `PUT /settings/docker-image` (startup.docker-image): one of the software's images (else 422, Laravel's `in`).
 * LocalDaemon records it; a Wings node runs it.
 */
export async function updateDockerImage(app: AppContext, actor: Actor, access: ServerAccess, image: string): Promise<void> {
  requireKey(access, 'startup.docker-image');
  const now = app.clock.now();
  const loaded = await loadStartup(app.db, access.server, now);
  const images = Object.values(loaded.definition.docker_images);
  if (loaded.assigned && !images.includes(loaded.image)) {
    throw badRequest('This server\'s Docker image has been manually set by an administrator and cannot be updated.');
  }
  if (!images.includes(image)) throw validationError('docker_image', `The selected docker image is invalid: it must be one of ${images.join(', ')}.`, 'in');
  await app.db.transaction(async (tx) => {
    if (!(await lockServer(tx, access.server.id))) throw notFound();
    await saveServerStartup(tx, { serverId: access.server.id, softwareId: loaded.definition.id, dockerImage: image, updatedAt: now });
    if (image !== loaded.image) await logActivity(tx, app.clock, { event: 'server:startup.image', actor, serverId: access.server.id, properties: { old: loaded.image, new: image } });
  });
}
