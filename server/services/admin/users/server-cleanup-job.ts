import { z } from 'zod';
import { dropHostDatabase } from '@db/hosts/host-databases';
import { findServerById } from '@db/repositories/admin-users';
import { deleteServerDatabase, listServerDatabases } from '@db/repositories/databases';
import { listServerAllocations, releaseAllocation } from '@db/repositories/network-allocations';
import { serverRunSpec } from '@db/repositories/server-environment';
import { listServerBackups } from '@db/repositories/backups';
import { deleteServerRow, updateServerRow } from '@db/repositories/servers';
import type { AppContext } from '../../../context';
import type { JobHandler } from '../../../jobs/handlers';
import { logAdminAction } from '../audit';
import { daemonServerOf } from '../../backups/backup-access';
import { onHost } from '../../databases/host-access';

/**
 * The runner job that tears down one server (DESIGN §21; shown on the Tasks page): of a soft-deleted account, or
 * deleted by an admin (`remove`), in which case the backup archives and the server row go too, at the end.
 */
export const SERVER_CLEANUP_JOB = 'server.cleanup';

/**
 * Each step is safe to repeat (a crash re-runs the job from the start): suspend and stop, drop the databases on their
 * hosts, release the allocations, empty the files. The server row stays, suspended, as the record of what was there,
 * unless `remove` is set: then its backups' archives are deleted and the row goes with everything hanging from it
 * (ON DELETE CASCADE), in one transaction with the audit row.
 */
const payload = z.object({ serverId: z.number().int(), userId: z.number().int(), remove: z.boolean().optional() });

export const serverCleanupJob: JobHandler<z.infer<typeof payload>> = {
  payload,
  async run(app: AppContext, { serverId, remove }) {
    const server = await findServerById(app.db, serverId);
    if (!server) return;
    const now = app.clock.now();
    await updateServerRow(app.db, server.id, { suspended: true, updatedAt: now });
    await app.bus.publish({ userUuid: '*', serverUuid: server.uuid });
    if (app.daemon.status(server) !== 'offline') await app.daemon.power(await serverRunSpec(app.db, server), 'kill');
    const databases = await listServerDatabases(app.db, server.id);
    for (const row of databases) {
      await onHost(app, row.host, (conn) => dropHostDatabase(conn, row.database));
      await deleteServerDatabase(app.db, row.database.id);
    }
    const allocations = await listServerAllocations(app.db, server.id);
    for (const a of allocations) await releaseAllocation(app.db, server.id, a.id, now);
    const files = app.daemon.files(server);
    const top = await files.list('/');
    if (top.length) await files.delete('/', top.map((f) => f.name));
    const emptied = await files.trashEmpty();
    const summary = { server: server.uuid, databases: databases.length, allocations: allocations.length, files: emptied };
    if (!remove) {
      await logAdminAction(app.db, app.clock, null, 'server.cleanup', summary, server.id);
      return;
    }
    const backups = (await listServerBackups(app.db, server.id, 1, 10_000)).rows;
    for (const b of backups) await app.daemon.deleteBackup(daemonServerOf(server), b.uuid);
    await app.db.transaction(async (tx) => {
      await deleteServerRow(tx, server.id);
      await logAdminAction(tx, app.clock, null, 'server.cleanup', { ...summary, backups: backups.length, removed: true, name: server.name });
    });
  },
};
