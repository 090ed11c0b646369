import { lockStuckInstalls, setServersStatus } from '@db/repositories/startup';
import type { AppContext } from '../../context';

/**
 * At boot: an install whose panel stopped mid-way (its lease ran out, or none was ever taken) would leave the server
 * `installing` — answering 409 — forever. Such servers become install_failed / reinstall_failed; their owner can
 * reinstall. Locked with SKIP LOCKED, so two panels booting together recover each server once.
 */
export async function recoverStuckInstalls(app: AppContext): Promise<number> {
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    const stuck = await lockStuckInstalls(tx, now);
    await setServersStatus(tx, stuck.filter((s) => !s.isReinstall).map((s) => s.id), 'install_failed', now);
    await setServersStatus(tx, stuck.filter((s) => s.isReinstall).map((s) => s.id), 'reinstall_failed', now);
    if (stuck.length) app.logger.warn({ servers: stuck.map((s) => s.id) }, 'installs interrupted by a restart were marked failed');
    return stuck.length;
  });
}
