import { lockServer } from '@db/repositories/servers';
import { saveServerStartup } from '@db/repositories/startup';
import type { AppContext } from '../../context';
import { conflict, notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { loadStartup } from './load-startup';
import { requireKey } from './require-key';
import { enterInstalling, launchInstall, requireInstaller } from './run-install';

export const ALREADY_INSTALLING = 'This server is already installing; wait for it to finish.';

/** `POST /settings/reinstall` (settings.reinstall): re-runs the install script in the server's root; 202. */
export async function reinstallServer(app: AppContext, actor: Actor, access: ServerAccess): Promise<void> {
  requireKey(access, 'settings.reinstall');
  requireInstaller(app);
  const now = app.clock.now();
  const loaded = await loadStartup(app.db, access.server, now);
  await app.db.transaction(async (tx) => {
    const server = await lockServer(tx, access.server.id);
    if (!server) throw notFound();
    if (server.status === 'installing') throw conflict(ALREADY_INSTALLING);
    if (!loaded.assigned) await saveServerStartup(tx, { serverId: server.id, softwareId: loaded.definition.id, dockerImage: loaded.image, updatedAt: now });
    await enterInstalling(tx, app, server, true);
    await logActivity(tx, app.clock, { event: 'server:reinstall', actor, serverId: server.id });
  });
  void launchInstall(app, access.server.uuid, { isReinstall: true, wipe: false });
}
