import type { Request } from 'express';
import { findNodeByTokenId } from '@db/repositories/nodes';
import type { NodeRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { sameHash, sha256 } from '../../auth/api-key-token';
import { forbidden } from '../../http/errors';

/** The node named by `Authorization: Bearer <token_id>.<secret>` (Pterodactyl's daemon authentication); else 403. */
export async function authenticateNode(app: AppContext, req: Request): Promise<NodeRow> {
  const m = /^Bearer ([A-Za-z0-9]{1,16})\.(\S+)$/.exec(req.get('authorization') ?? '');
  if (!m) throw forbidden('A node token is required.');
  const node = await findNodeByTokenId(app.db, m[1] as string);
  if (!node || !sameHash(node.tokenHash, sha256(m[2] as string))) throw forbidden('The node token is not valid.');
  return node;
}
