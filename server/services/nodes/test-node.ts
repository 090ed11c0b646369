import { NodeClient, WingsHttpError } from '@bridge/wings/node-client';
import { z } from 'zod';
import { findNodeByUuid } from '@db/repositories/nodes';
import type { Executor } from '@db/client';
import { validationError } from '../../http/errors';
import { nodeConnection } from './node-directory';

const system = z.object({ version: z.string(), os: z.string().optional(), architecture: z.string().optional(), cpu_count: z.number().optional(), kernel_version: z.string().optional() });

/**
 * `node:test`: asks the node `GET /api/system` with its token, as the panel will. Resolves with what the node says
 * (its Wings version decides how revocations reach it); a node that is down, slow or refuses the token throws with
 * a detail saying which.
 */
export async function testNode(db: Executor, appKey: string, uuid: string) {
  const node = await findNodeByUuid(db, uuid);
  if (!node) throw validationError('node', `No node has the uuid ${uuid}.`, 'exists');
  const connection = nodeConnection(appKey, node);
  if (!connection) throw validationError('node', 'This node\'s token cannot be read with this panel\'s APP_KEY; register it again with node:create --token-id --token.', 'token');
  const answer = await new NodeClient(connection).json('GET', '/api/system').catch((err: unknown) => {
    if (err instanceof WingsHttpError) throw new Error(`The node answered ${err.status} (${err.message}): check its token_id and token, and that the URL is its daemon port.`);
    throw err;
  });
  const info = system.parse(answer);
  const [major = 0, minor = 0] = info.version.replace(/^v/, '').split('.').map(Number);
  return { uuid: node.uuid, name: node.name, url: node.url, ...info, revocation: major > 1 || (major === 1 && minor >= 12) ? 'deauthorize-user' : 'ws/deny' };
}
