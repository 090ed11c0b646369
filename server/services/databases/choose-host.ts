import { listDatabaseHosts } from '@db/repositories/databases';
import type { DatabaseHostRow } from '@db/schema/databases';
import type { ServerRow } from '@db/schema/servers';
import type { Executor } from '@db/client';
import { hostsFull, noDatabaseHost } from './errors';

/**
 * The host a new database of `server` goes to: hosts of the server's node first, then hosts serving every node
 * (node NULL), skipping full ones (max_databases), the least used first. Pterodactyl picks at random among the
 * node's hosts; the least used spreads the same way and can be tested.
 */
export async function chooseHost(db: Executor, server: ServerRow): Promise<DatabaseHostRow> {
  const candidates = await listDatabaseHosts(db, { nodeId: server.nodeId });
  if (candidates.length === 0) throw noDatabaseHost();
  const open = candidates.filter((c) => c.host.maxDatabases === null || c.databases < c.host.maxDatabases);
  if (open.length === 0) throw hostsFull();
  open.sort((a, b) => {
    const nodeA = a.host.nodeId !== null && a.host.nodeId === server.nodeId ? 0 : 1;
    const nodeB = b.host.nodeId !== null && b.host.nodeId === server.nodeId ? 0 : 1;
    return nodeA - nodeB || a.databases - b.databases || a.host.id - b.host.id;
  });
  return (open[0] as (typeof open)[number]).host;
}
