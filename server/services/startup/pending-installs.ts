import { lockPendingInstalls } from '@db/repositories/startup';
import { lockServer } from '@db/repositories/servers';
import type { AppContext } from '../../context';
import { enterInstalling, launchInstall } from './run-install';

/**
 * Runs the first install of servers created with software by something without a daemon (the CLI, the demo seed):
 * called at boot after recovery; a job-runner sweep may call it too (it claims rows with SKIP LOCKED).
 */
export async function runPendingInstalls(app: AppContext): Promise<number> {
  if (!app.daemon.install) return 0;
  const claimed = await app.db.transaction(async (tx) => {
    const rows = await lockPendingInstalls(tx);
    for (const row of rows) {
      const server = await lockServer(tx, row.id);
      if (server) await enterInstalling(tx, app, server, false);
    }
    return rows;
  });
  for (const row of claimed) void launchInstall(app, row.uuid, { isReinstall: false, wipe: false });
  return claimed.length;
}
