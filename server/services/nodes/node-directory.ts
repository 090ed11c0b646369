import type { NodeDirectory } from '@bridge/routing-daemon';
import type { NodeConnection } from '@bridge/wings/node-client';
import { findNodeById } from '@db/repositories/nodes';
import type { Executor } from '@db/client';
import type { NodeRow } from '@db/schema/servers';
import { decryptNodeToken } from './node-token';

/** A node row as the WingsDaemon needs it, or null when its token cannot be read with this APP_KEY. */
export function nodeConnection(appKey: string, node: NodeRow): NodeConnection | null {
  const token = node.tokenEncrypted ? decryptNodeToken(appKey, node.tokenEncrypted) : null;
  return token ? { id: node.id, name: node.name, url: node.url, token } : null;
}

/** The panel's node directory for the RoutingDaemon: nodes by id, their tokens decrypted with APP_KEY. */
export function databaseNodeDirectory(db: Executor, appKey: string): NodeDirectory {
  return {
    async connection(nodeId) {
      const node = await findNodeById(db, nodeId);
      return node ? nodeConnection(appKey, node) : null;
    },
  };
}
