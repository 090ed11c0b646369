import { clearOrphanedMigrating, findStaleMigrations } from '@db/repositories/migrations';
import type { AppContext } from '../../context';
import { recordMigrationEnd } from './end-migration';
import { INTERRUPTED } from './run-migration';

/**
 * Ends migrations whose instance is gone (no heartbeat for MIGRATION_STALE_SECONDS): failed, credentials erased,
 * server out of `migrating`. Run at boot and then periodically, so a crash never leaves a server migrating forever.
 * Migrations still running in this process are never touched.
 */
export async function recoverMigrations(app: AppContext, options: { all?: boolean } = {}): Promise<number> {
  const cutoff = options.all ? new Date(8.64e15) : new Date(app.clock.now().getTime() - app.config.MIGRATION_STALE_SECONDS * 1000);
  let ended = 0;
  for (const row of await findStaleMigrations(app.db, cutoff)) {
    if (app.migrations.has(row.id)) continue;
    const error = row.cancelRequested ? null : INTERRUPTED;
    if (await recordMigrationEnd(app, row, { status: row.cancelRequested ? 'cancelled' : 'failed', error })) ended++;
  }
  await clearOrphanedMigrating(app.db, app.clock.now());
  return ended;
}

/** Recovers once now (boot), then every half stale period; returns the stopper. Errors are logged, never thrown. */
export async function startMigrationRecovery(app: AppContext): Promise<() => void> {
  const attempt = () => recoverMigrations(app).catch((err: unknown) => { app.logger.warn({ err }, 'migration recovery failed'); return 0; });
  await attempt();
  const timer = setInterval(() => { void attempt(); }, Math.max(1000, (app.config.MIGRATION_STALE_SECONDS * 1000) / 2));
  timer.unref();
  return () => clearInterval(timer);
}
