import { dropHostDatabase } from '@db/hosts/host-databases';
import { deleteServerDatabase, findServerDatabase } from '@db/repositories/databases';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { onHost } from './host-access';

/**
 * Drops the user and the database on the host, then the row, in one transaction: a host that is down answers 503
 * and keeps the row, so the database is never forgotten while it still exists.
 */
export async function deleteDatabase(app: AppContext, actor: Actor, access: ServerAccess, identifier: string): Promise<void> {
  await app.db.transaction(async (tx) => {
    const row = await findServerDatabase(tx, access.server.id, identifier, true);
    if (!row) throw notFound();
    await deleteServerDatabase(tx, row.database.id);
    await logActivity(tx, app.clock, {
      event: 'server:database.delete', actor, serverId: access.server.id,
      properties: { name: row.database.database, username: row.database.username },
    });
    await onHost(app, row.host, (conn) => dropHostDatabase(conn, row.database));
  });
}
