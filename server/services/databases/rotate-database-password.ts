import { setHostPassword } from '@db/hosts/host-databases';
import { findServerDatabase, setServerDatabasePassword, type DatabaseWithHost } from '@db/repositories/databases';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { onHost } from './host-access';
import { newDatabasePassword, openDatabasePassword, sealDatabasePassword } from './secrets';

/**
 * A new 24-character password, set on the host with ALTER USER as the transaction's last step (a host that is down
 * leaves the old password everywhere). If the panel's commit then fails, the old password is put back on the host.
 */
export async function rotateDatabasePassword(app: AppContext, actor: Actor, access: ServerAccess, identifier: string): Promise<DatabaseWithHost> {
  const password = newDatabasePassword();
  let altered: { row: DatabaseWithHost; old: string | null } | null = null;
  try {
    await app.db.transaction(async (tx) => {
      const row = await findServerDatabase(tx, access.server.id, identifier, true);
      if (!row) throw notFound();
      await setServerDatabasePassword(tx, row.database.id, sealDatabasePassword(app.secrets.appKey, password), app.clock.now());
      await logActivity(tx, app.clock, {
        event: 'server:database.rotate-password', actor, serverId: access.server.id, properties: { name: row.database.database },
      });
      await onHost(app, row.host, (conn) => setHostPassword(conn, { username: row.database.username, remote: row.database.remote, password }));
      altered = { row, old: openDatabasePassword(app.secrets.appKey, row.database.password) };
    });
  } catch (err) {
    const undo = altered as { row: DatabaseWithHost; old: string | null } | null;
    if (undo?.old) {
      const { row, old } = undo;
      await onHost(app, row.host, (conn) => setHostPassword(conn, { username: row.database.username, remote: row.database.remote, password: old }))
        .catch((e: unknown) => app.logger.error({ err: e, database: row.database.database }, 'could not restore a database password'));
    }
    throw err;
  }
  const fresh = await findServerDatabase(app.db, access.server.id, identifier);
  if (!fresh) throw notFound();
  return fresh;
}
