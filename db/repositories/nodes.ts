import { eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { nodes, type NodeRow } from '../schema/servers';

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

export async function findNodeById(db: Executor, id: number): Promise<NodeRow | null> {
  const [row] = await db.select().from(nodes).where(eq(nodes.id, id)).limit(1);
  return row ?? null;
}
