import { NodeClient } from '@bridge/wings/node-client';
import { findNodeById } from '@db/repositories/nodes';
import type { Executor } from '@db/client';
import type { ServerRow } from '@db/schema/servers';
import { nodeConnection } from './node-directory';

/**
 * Tells a server's Wings node about it, as Pterodactyl's panel does after creating one: a new server is created on
 * the node (`POST /api/servers {uuid, start_on_completion}`; Wings then fetches its configuration from the remote
 * API); a server taken over (it already runs there) is synced (`POST /api/servers/{uuid}/sync`). A node that cannot
 * be reached leaves the server created and says so (run `node:test`, then create it again with `--uuid`).
 */
export async function announceToNode(db: Executor, appKey: string, server: ServerRow, takenOver: boolean) {
  const node = server.nodeId ? await findNodeById(db, server.nodeId) : null;
  const connection = node ? nodeConnection(appKey, node) : null;
  if (!node || !connection) return { uuid: node?.uuid ?? null, announced: false, error: 'The node\'s token cannot be read with this APP_KEY.' };
  const client = new NodeClient(connection);
  try {
    if (takenOver) await client.json('POST', `/api/servers/${server.uuid}/sync`);
    else await client.json('POST', '/api/servers', { uuid: server.uuid, start_on_completion: false });
    return { uuid: node.uuid, announced: true };
  } catch (err) {
    return { uuid: node.uuid, announced: false, error: err instanceof Error ? err.message : String(err) };
  }
}
