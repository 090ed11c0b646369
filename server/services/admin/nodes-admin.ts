import { countNodeServers, deleteNode, findNodeByUuid, listNodes, lockNode, updateNode } from '@db/repositories/nodes';
import type { NodeRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { conflict, HttpError, notFound } from '../../http/errors';
import type { Actor } from '../../http/types';
import { randomBytes } from 'node:crypto';
import { sha256 } from '../../auth/api-key-token';
import { createNode } from '../nodes/create-node';
import { encryptNodeToken } from '../nodes/node-token';
import { testNode } from '../nodes/test-node';
import { diff, logAdminAction } from './audit';

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
  return app.db.transaction(async (tx) => {
    const node = await lockNode(tx, uuid);
    if (!node) throw notFound();
    const next = { name: patch.name ?? node.name, url: patch.url !== undefined ? new URL(patch.url).origin : node.url };
    const change = diff({ name: node.name, url: node.url }, next);
    if (change) {
      await updateNode(tx, node.id, next);
      await logAdminAction(tx, app.clock, actor, 'node.update', { node: node.uuid, ...change });
    }
    return nodeItem({ ...node, ...next }, await countNodeServers(tx, node.id));
  });
}

const isRowReferenced = (err: unknown): boolean => {
  const cause = (err as { cause?: { code?: string } } | null)?.cause ?? err;
  return (cause as { code?: string } | null)?.code === 'ER_ROW_IS_REFERENCED_2';
};

/**
 * Removes a node no server uses (409 otherwise: move or delete its servers first). Its allocation pool and private
 * networks go with it; database hosts tied to it then serve every node.
 */
export async function deleteNodeAsAdmin(app: AppContext, actor: Actor, uuid: string): Promise<void> {
  try {
    await app.db.transaction(async (tx) => {
      const node = await lockNode(tx, uuid);
      if (!node) throw notFound();
      const n = await countNodeServers(tx, node.id);
      if (n > 0) throw conflict(`The node "${node.name}" still runs ${n} server${n === 1 ? '' : 's'}; delete or move them first.`);
      await deleteNode(tx, node.id);
      await logAdminAction(tx, app.clock, actor, 'node.delete', { node: node.uuid, old: { name: node.name, url: node.url } });
    });
  } catch (err) {
    // A server created on the node in the meantime holds it through its foreign key.
    if (isRowReferenced(err)) throw conflict('A server was just created on this node; delete or move it first.');
    throw err;
  }
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
    await updateNode(tx, node.id, { tokenId, tokenHash: sha256(secret), tokenEncrypted: encryptNodeToken(app.secrets.appKey, secret) });
    await logAdminAction(tx, app.clock, actor, 'node.token', { node: node.uuid, old: { token_id: node.tokenId }, new: { token_id: tokenId } });
    return { ...nodeItem({ ...node, tokenId }), meta: { token: `${tokenId}.${secret}` } };
  });
}
