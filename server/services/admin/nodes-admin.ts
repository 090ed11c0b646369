import { countNodeServers, findNodeByUuid, listNodes, lockNode, updateNode as updateNodeRow } from '@db/repositories/nodes';
import type { NodeRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { HttpError, notFound } from '../../http/errors';
import type { Actor } from '../../http/types';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../../auth/api-key-token';
import { createNode } from '../nodes/create-node';
import { deleteNode, updateNode } from '../nodes/manage-node';
import { encryptNodeToken } from '../nodes/node-token';
import { testNode } from '../nodes/test-node';
import { logAdminAction } from './audit';

/** Wings nodes under admin keys (DESIGN §19, §21): the CLI's `node:*`, each change audited in its transaction. */
export const nodeItem = (n: NodeRow, servers?: number) => ({
  object: 'node' as const,
  attributes: { id: n.id, uuid: n.uuid, name: n.name, url: n.url, created_at: n.createdAt.toISOString(), ...(servers !== undefined ? { servers } : {}) },
});

export async function listNodeItems(app: AppContext) {
  const rows = await listNodes(app.db);
  return { object: 'list' as const, data: await Promise.all(rows.map(async (n) => nodeItem(n, await countNodeServers(app.db, n.id)))) };
}

export async function createNodeAsAdmin(app: AppContext, actor: Actor, input: { name: string; url: string; token_id?: string | undefined; token?: string | undefined }) {
  return app.db.transaction(async (tx) => {
    const { node, token } = await createNode(tx, app.secrets.appKey, {
      name: input.name, url: input.url,
      ...(input.token_id !== undefined ? { tokenId: input.token_id } : {}), ...(input.token !== undefined ? { token: input.token } : {}),
    }, app.clock.now());
    await logAdminAction(tx, app.clock, actor, 'node.create', { node: node.uuid, new: { name: node.name, url: node.url } });
    return { ...nodeItem(node, 0), meta: { token } };
  });
}

/** Renames a node or moves it to a new address (scheme, host, port). Its token and servers stay. */
export async function updateNodeAsAdmin(app: AppContext, actor: Actor, uuid: string, patch: { name?: string | undefined; url?: string | undefined }) {
  const node = await updateNode(app.db, app.clock, actor, app.secrets.appKey, uuid, {
    ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.url !== undefined ? { url: patch.url } : {}),
  });
  return nodeItem(node, await countNodeServers(app.db, node.id));
}

/** Removes a node no server uses (409 otherwise), as `node:delete`. */
export async function deleteNodeAsAdmin(app: AppContext, actor: Actor, uuid: string): Promise<void> {
  await deleteNode(app.db, app.clock, actor, uuid);
}

/**
 * `node:test`: asks the node for `GET /api/system` with its token. A node that answers is `ok`; one that is down or
 * refuses the token is reported (`ok: false` with the reason), not turned into an error of this request.
 */
export async function testNodeAsAdmin(app: AppContext, uuid: string) {
  const node = await findNodeByUuid(app.db, uuid);
  if (!node) throw notFound();
  try {
    const info = await testNode(app.db, app.secrets.appKey, uuid);
    return { object: 'node_test' as const, attributes: { ok: true, ...info } };
  } catch (err) {
    if (err instanceof HttpError && err.status < 500 && err.status !== 422) throw err;
    const detail = err instanceof HttpError ? err.detail : err instanceof Error ? err.message : String(err);
    return { object: 'node_test' as const, attributes: { ok: false, uuid: node.uuid, name: node.name, url: node.url, error: detail } };
  }
}

/**
 * Pterodactyl's "reset daemon token": a new `token_id` and token, returned once. From the commit on, the node's
 * calls with the old pair are refused and the panel calls it with the new one, so the node needs the new pair in
 * its configuration (and a restart) to keep working.
 */
export async function rotateNodeTokenAsAdmin(app: AppContext, actor: Actor, uuid: string) {
  return app.db.transaction(async (tx) => {
    const node = await lockNode(tx, uuid);
    if (!node) throw notFound();
    const tokenId = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    await updateNodeRow(tx, node.id, { tokenId, tokenHash: sha256(secret), tokenEncrypted: encryptNodeToken(app.secrets.appKey, secret) });
    await logAdminAction(tx, app.clock, actor, 'node.token', { node: node.uuid, old: { token_id: node.tokenId }, new: { token_id: tokenId } });
    return { ...nodeItem({ ...node, tokenId }), meta: { token: `${tokenId}.${secret}` } };
  });
}
