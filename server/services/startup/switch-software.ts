import { z } from 'zod';
import { lockServer } from '@db/repositories/servers';
import { clearServerVariables, findSoftware, saveServerStartup, updateServerFields } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import { conflict, notFound, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { loadStartup } from './load-startup';
import { ALREADY_INSTALLING } from './reinstall-server';
import { requireKey } from './require-key';
import { enterInstalling, launchInstall, requireInstaller } from './run-install';

export const switchSoftwareBody = z.object({
  software: z.string().min(1).max(64),
  keep_files: z.boolean().default(true),
});

/**
 * `PUT /startup/software` (startup.software): switches the definition, resets the startup command, image and every
 * variable to the new software's defaults, then runs its install script (without `keep_files` the root is emptied
 * first). 202, like a reinstall.
 */
export async function switchSoftware(app: AppContext, actor: Actor, access: ServerAccess, input: z.infer<typeof switchSoftwareBody>): Promise<void> {
  requireKey(access, 'startup.software');
  requireInstaller(app);
  const now = app.clock.now();
  const target = await findSoftware(app.db, input.software);
  if (!target) throw validationError('software', `No software "${input.software}" exists on this panel.`, 'exists');
  const current = await loadStartup(app.db, access.server, now);
  const definition = target.definition;
  await app.db.transaction(async (tx) => {
    const server = await lockServer(tx, access.server.id);
    if (!server) throw notFound();
    if (server.status === 'installing') throw conflict(ALREADY_INSTALLING);
    await saveServerStartup(tx, { serverId: server.id, softwareId: definition.id, dockerImage: Object.values(definition.docker_images)[0] ?? '', updatedAt: now });
    await clearServerVariables(tx, server.id);
    await updateServerFields(tx, server.id, { startupCommand: definition.startup }, now);
    await enterInstalling(tx, app, server, false);
    await logActivity(tx, app.clock, {
      event: 'server:startup.software', actor, serverId: server.id,
      properties: { old: current.definition.id, new: definition.id, keep_files: input.keep_files },
    });
  });
  void launchInstall(app, access.server.uuid, { isReinstall: false, wipe: !input.keep_files });
}
