import { countDatabasesOnHost, deleteDatabaseHost, findDatabaseHostByName, listDatabaseHosts } from '@db/repositories/databases';
import type { DatabaseHostRow } from '@db/schema/databases';
import { conflict, notFound } from '../../http/errors';
import type { HostContext, WithinHostWrite } from './create-database-host';

/** What admins see of a host (never its password). */
export function hostSummary(host: DatabaseHostRow, databases: number) {
  return {
    id: host.id, name: host.name, host: host.host, port: host.port, username: host.username,
    max_databases: host.maxDatabases, node_id: host.nodeId, managed: host.managed, databases,
  };
}

export async function listHostSummaries(app: Pick<HostContext, 'db'>) {
  const rows = await listDatabaseHosts(app.db);
  return rows.map((r) => hostSummary(r.host, r.databases));
}

/** Removes a host that holds no databases (Pterodactyl refuses the same: delete its databases first). */
export async function removeDatabaseHost(app: Pick<HostContext, 'db'>, name: string, within?: WithinHostWrite): Promise<DatabaseHostRow> {
  return app.db.transaction(async (tx) => {
    const host = await findDatabaseHostByName(tx, name);
    if (!host) throw notFound(`No database host is named "${name}".`);
    const n = await countDatabasesOnHost(tx, host.id);
    if (n > 0) throw conflict(`The database host "${name}" still holds ${n} database${n === 1 ? '' : 's'}; delete them first.`);
    await deleteDatabaseHost(tx, host.id);
    await within?.(tx, host);
    return host;
  });
}
