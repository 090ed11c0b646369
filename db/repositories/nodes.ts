import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { nodes, servers, type NodeRow, type ServerRow } from '../schema/servers';

export async function insertNode(db: Executor, row: typeof nodes.$inferInsert): Promise<NodeRow> {
  await db.insert(nodes).values(row);
  const found = await findNodeByTokenId(db, row.tokenId);
  if (!found) throw new Error('inserted node not found');
  return found;
}

export async function findNodeByTokenId(db: Executor, tokenId: string): Promise<NodeRow | null> {
  const [row] = await db.select().from(nodes).where(eq(nodes.tokenId, tokenId)).limit(1);
  return row ?? null;
}

export async function findNodeByUuid(db: Executor, uuid: string): Promise<NodeRow | null> {
  const [row] = await db.select().from(nodes).where(eq(nodes.uuid, uuid)).limit(1);
  return row ?? null;
}

export async function listNodes(db: Executor): Promise<NodeRow[]> {
  return db.select().from(nodes).orderBy(nodes.id);
}

export async function findNodeById(db: Executor, id: number): Promise<NodeRow | null> {
  const [row] = await db.select().from(nodes).where(eq(nodes.id, id)).limit(1);
  return row ?? null;
}

/** One page of a node's servers, by id (the remote API's `GET /api/remote/servers`). */
export async function listNodeServers(db: Executor, nodeId: number, page: number, perPage: number): Promise<{ rows: ServerRow[]; total: number }> {
  const [rows, [count]] = await Promise.all([
    db.select().from(servers).where(eq(servers.nodeId, nodeId)).orderBy(asc(servers.id)).limit(perPage).offset((page - 1) * perPage),
    db.select({ n: sql<number>`count(*)` }).from(servers).where(eq(servers.nodeId, nodeId)),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

/** A node's servers in one of the given states (the remote API's reset after a node boots). */
export async function nodeServersInStatus(db: Executor, nodeId: number, statuses: NonNullable<ServerRow['status']>[]): Promise<ServerRow[]> {
  return db.select().from(servers).where(and(eq(servers.nodeId, nodeId), inArray(servers.status, statuses)));
}

/** Locks the node row for the rest of the transaction (an edit or a delete against new servers). */
export async function lockNode(db: Executor, uuid: string): Promise<NodeRow | null> {
  const [row] = await db.select().from(nodes).where(eq(nodes.uuid, uuid)).limit(1).for('update');
  return row ?? null;
}

export async function updateNode(db: Executor, id: number, values: Partial<Pick<NodeRow, 'name' | 'url' | 'tokenId' | 'tokenHash' | 'tokenEncrypted'>>): Promise<void> {
  await db.update(nodes).set(values).where(eq(nodes.id, id));
}

export async function countNodeServers(db: Executor, nodeId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(servers).where(eq(servers.nodeId, nodeId));
  return Number(row?.n ?? 0);
}

/** Removes a node; its allocations and private networks go with it (ON DELETE CASCADE), its database hosts stay. */
export async function deleteNode(db: Executor, id: number): Promise<void> {
  await db.delete(nodes).where(eq(nodes.id, id));
}
