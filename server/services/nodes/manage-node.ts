/**
 * Editing and deleting a Wings node (DESIGN §19, docs/wings.md): one function each, shared by the CLI
 * (`node:update`, `node:delete`) and the admin API, each change committed in one transaction with its
 * `admin:node.*` audit row. The node's secret never appears in the audit row: a new token shows as `token: "changed"`.
 */
import { z } from 'zod';
import type { Database } from '@db/client';
import { countNodeServers, deleteNode as deleteNodeRow, findNodeByTokenId, lockNode, updateNode as updateNodeRow } from '@db/repositories/nodes';
import type { NodeRow } from '@db/schema/servers';
import { sha256 } from '../../auth/api-key-token';
import type { Clock } from '../../context';
import { conflict, fromZod, notFound, validationError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { diff, logAdminAction } from '../admin/audit';
import { encryptNodeToken } from './node-token';

const changes = z.object({
  name: z.string().min(1).max(191).optional(),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(255)
    .refine((u) => { const p = new URL(u).pathname; return p === '/' || p === ''; }, 'must be the node\'s scheme, host and port, without a path')
    .optional(),
  /** A new `token_id` and `token` pair (after the node's config.yml was changed): both or neither. */
  tokenId: z.string().regex(/^[A-Za-z0-9]{16}$/, 'must be the 16 letters and digits of the node\'s token_id').optional(),
  token: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'must be the node\'s token (32–128 letters, digits, - or _)').optional(),
}).refine((v) => (v.tokenId === undefined) === (v.token === undefined), { message: 'Give both --token-id and --token, or neither.', path: ['token'] });

export type NodeChanges = z.input<typeof changes>;

/** What the audit row may say about a node. */
const shown = (n: NodeRow) => ({ name: n.name, url: n.url, token_id: n.tokenId });

async function mustLock(db: Database, uuid: string): Promise<NodeRow> {
  const node = await lockNode(db, uuid);
  if (!node) throw notFound(`No node has the uuid ${uuid}.`);
  return node;
}

/**
 * Changes a node's name, URL or token pair; a change that changes nothing writes nothing. A running panel picks the
 * new URL and token up within 30 s (its routing daemon re-reads each node's row that often and retargets the node's
 * daemon in place; an admin route in the same process can call `RoutingDaemon.reread(nodeId, true)` to make it
 * immediate).
 */
export async function updateNode(db: Database, clock: Clock, actor: Actor | null, appKey: string, uuid: string, raw: NodeChanges): Promise<NodeRow> {
  const parsed = changes.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const c = parsed.data;
  const token = c.tokenId !== undefined && c.token !== undefined ? { tokenId: c.tokenId, tokenHash: sha256(c.token), tokenEncrypted: encryptNodeToken(appKey, c.token) } : {};
  if (c.name === undefined && c.url === undefined && c.tokenId === undefined) throw validationError('name', 'Give at least one change: a name, a URL, or a token_id with its token.', 'required');
  return db.transaction(async (tx) => {
    const before = await mustLock(tx, uuid);
    if (c.tokenId && c.tokenId !== before.tokenId && await findNodeByTokenId(tx, c.tokenId)) {
      throw validationError('token_id', 'A node with this token_id is already registered.', 'unique');
    }
    const after: NodeRow = { ...before, ...(c.name !== undefined ? { name: c.name } : {}), ...(c.url !== undefined ? { url: new URL(c.url).origin } : {}), ...token };
    const changed = diff(shown(before), shown(after));
    const tokenChanged = after.tokenHash !== before.tokenHash;
    if (!changed && !tokenChanged) return before;
    await updateNodeRow(tx, before.id, { name: after.name, url: after.url, ...token });
    await logAdminAction(tx, clock, actor, 'node.update', {
      node: uuid,
      old: { ...(changed?.old ?? {}), ...(tokenChanged ? { token: 'previous' } : {}) },
      new: { ...(changed?.new ?? {}), ...(tokenChanged ? { token: 'changed' } : {}) },
    });
    return after;
  });
}

const isRowReferenced = (err: unknown): boolean => {
  const cause = (err as { cause?: { code?: string } } | null)?.cause ?? err;
  return (cause as { code?: string } | null)?.code === 'ER_ROW_IS_REFERENCED_2';
};

/**
 * Deletes a node that no server is on any more (409 otherwise: move or delete its servers first). Its allocation
 * pool and private networks go with it; database hosts tied to it then serve every node.
 */
export async function deleteNode(db: Database, clock: Clock, actor: Actor | null, uuid: string): Promise<NodeRow> {
  try {
    return await db.transaction(async (tx) => {
      const node = await mustLock(tx, uuid);
      const count = await countNodeServers(tx, node.id);
      if (count > 0) throw conflict(`The node "${node.name}" still has ${count} server${count === 1 ? '' : 's'}: move or delete them first.`);
      await deleteNodeRow(tx, node.id);
      await logAdminAction(tx, clock, actor, 'node.delete', { node: uuid, old: shown(node) });
      return node;
    });
  } catch (err) {
    // A server created on the node in the meantime holds it through its foreign key.
    if (isRowReferenced(err)) throw conflict('A server was just created on this node: move or delete it first.');
    throw err;
  }
}
