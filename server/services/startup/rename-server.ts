import { z } from 'zod';
import { lockServer } from '@db/repositories/servers';
import { updateServerFields } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { requireKey } from './require-key';

export const renameBody = z.object({
  name: z.string().trim().min(1, 'The name field is required.').max(191),
  description: z.string().max(2000).nullable().optional(),
});

/** `POST /settings/rename` (settings.rename): name and description; 204 (Pterodactyl's SettingsController). */
export async function renameServer(app: AppContext, actor: Actor, access: ServerAccess, input: z.infer<typeof renameBody>): Promise<void> {
  requireKey(access, 'settings.rename');
  const now = app.clock.now();
  const before = access.server;
  // As Pterodactyl: a missing description is saved as empty.
  const description = input.description ?? '';
  await app.db.transaction(async (tx) => {
    if (!(await lockServer(tx, before.id))) throw notFound();
    await updateServerFields(tx, before.id, { name: input.name, description }, now);
    if (before.name !== input.name || (before.description ?? '') !== description) {
      await logActivity(tx, app.clock, {
        event: 'server:settings.rename', actor, serverId: before.id,
        properties: { old: before.name, new: input.name, ...((before.description ?? '') !== description ? { description: { old: before.description ?? '', new: description } } : {}) },
      });
    }
  });
}
