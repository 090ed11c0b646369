import { listServerDatabases, type DatabaseWithHost } from '@db/repositories/databases';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';

/** The server's databases (the route decides whether passwords are shown). */
export function listDatabases(app: AppContext, access: ServerAccess): Promise<DatabaseWithHost[]> {
  return listServerDatabases(app.db, access.server.id);
}
