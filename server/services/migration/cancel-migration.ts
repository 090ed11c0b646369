import { findMigration, requestMigrationCancel } from '@db/repositories/migrations';
import type { AppContext } from '../../context';
import { conflict, forbidden, notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { recordMigrationEnd } from './end-migration';
import { migrationItem } from './transform';

/**
 * `POST /servers/{server}/migrations/{migration}/cancel` and `DELETE …/{migration}` (migration.create): asks a
 * running migration to stop. The cancel (and its activity row) is recorded at once; a job in this process stops
 * before the answer, one on another instance at its next heartbeat, and one whose instance is gone is ended here.
 * What was already copied stays in the server's root.
 */
export async function cancelMigration(app: AppContext, actor: Actor, access: ServerAccess, uuid: string) {
  if (!access.permissions.has('migration.create')) throw forbidden('This action is unauthorized.', { permission: 'migration.create' });
  const serverId = access.server.id;
  const row = await app.db.transaction(async (tx) => {
    const found = await findMigration(tx, serverId, uuid, true);
    if (!found) throw notFound();
    if (found.status !== 'running') throw conflict(`This migration has already ended (${found.status}).`, { status: found.status });
    if (!found.cancelRequested) {
      await requestMigrationCancel(tx, found.id);
      await logActivity(tx, app.clock, { event: 'server:migration.cancel', actor, serverId, properties: { uuid: found.uuid, source: found.source } });
    }
    return found;
  });
  const stoppedHere = await app.migrations.stop(row.id, 'cancel');
  const staleBefore = app.clock.now().getTime() - app.config.MIGRATION_STALE_SECONDS * 1000;
  if (!stoppedHere && row.heartbeatAt.getTime() < staleBefore) await recordMigrationEnd(app, row, { status: 'cancelled', error: null });
  const after = await findMigration(app.db, serverId, uuid);
  return { item: migrationItem(after ?? row), ended: after?.status !== 'running' };
}
