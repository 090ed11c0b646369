import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { allocations, type AllocationRow } from '../schema/network';

/** The node scope of a server or network: a node id, or null for this host. */
const onNode = (nodeId: number | null) => eq(allocations.nodeKey, nodeId ?? 0);

/**
 * Adds ip:port rows to a node's pool; ports already present are left as they are (an admin re-running a range is
 * harmless). Returns how many rows were new.
 */
export async function addAllocations(
  db: Executor, nodeId: number | null, ip: string, ports: readonly number[], ipAlias: string | null, now: Date,
): Promise<number> {
  let added = 0;
  for (let i = 0; i < ports.length; i += 500) {
    const chunk = ports.slice(i, i + 500).map((port) => ({ nodeId, ip, port, ipAlias, createdAt: now, updatedAt: now }));
    const [result] = await db.insert(allocations).ignore().values(chunk);
    added += result.affectedRows;
  }
  return added;
}

/**
 * The order a server's allocations are shown in: the primary first, then by ip (code-unit order), then by port. Sorted
 * here rather than by `ORDER BY`, which made MariaDB sort through a temporary table on every guarded read
 * (docs/performance.md); the guard's list (principal.ts) and this one use the same comparison.
 */
export function compareAllocations(a: { isDefault: boolean; ip: string; port: number }, b: { isDefault: boolean; ip: string; port: number }): number {
  if (a.isDefault !== b.isDefault) return a.isDefault ? -1 : 1;
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  return a.port - b.port;
}

/** A server's allocations, primary first, then by ip and port (compareAllocations). */
export async function listServerAllocations(db: Executor, serverId: number): Promise<AllocationRow[]> {
  const rows = await db.select().from(allocations).where(eq(allocations.serverId, serverId));
  const keyed = rows.map((row) => ({ row, isDefault: row.primaryServerId === serverId, ip: row.ip, port: row.port }));
  return keyed.sort(compareAllocations).map((k) => k.row);
}

export async function findPrimaryAllocation(db: Executor, serverId: number): Promise<AllocationRow | null> {
  const [row] = await db.select().from(allocations).where(eq(allocations.primaryServerId, serverId)).limit(1);
  return row ?? null;
}

/** One of the server's allocations (scoped: another server's id reads as absent); `lock` takes a row lock. */
export async function findServerAllocation(db: Executor, serverId: number, id: number, lock = false): Promise<AllocationRow | null> {
  const query = db.select().from(allocations).where(and(eq(allocations.serverId, serverId), eq(allocations.id, id))).limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

export async function countServerAllocations(db: Executor, serverId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(allocations).where(eq(allocations.serverId, serverId));
  return Number(row?.n ?? 0);
}

/**
 * Locks a free allocation of the node (preferring `ip`), skipping rows another transaction is handing out right
 * now: two concurrent assigns never see the same row, and neither waits for the other.
 */
export async function lockFreeAllocation(db: Executor, nodeId: number | null, ip: string | null): Promise<AllocationRow | null> {
  const where = ip === null
    ? and(onNode(nodeId), isNull(allocations.serverId))
    : and(onNode(nodeId), isNull(allocations.serverId), eq(allocations.ip, ip));
  const [row] = await db.select().from(allocations).where(where)
    .orderBy(asc(allocations.ip), asc(allocations.port)).limit(1).for('update', { skipLocked: true });
  return row ?? null;
}

/** Gives a free row to a server; false when someone else took it first (the caller treats that as "none free"). */
export async function assignAllocation(db: Executor, id: number, serverId: number, primary: boolean, now: Date): Promise<boolean> {
  const [result] = await db.update(allocations)
    .set({ serverId, primaryServerId: primary ? serverId : null, updatedAt: now })
    .where(and(eq(allocations.id, id), isNull(allocations.serverId)));
  return result.affectedRows === 1;
}

export async function setAllocationNotes(db: Executor, serverId: number, id: number, notes: string | null, now: Date): Promise<void> {
  await db.update(allocations).set({ notes, updatedAt: now }).where(and(eq(allocations.serverId, serverId), eq(allocations.id, id)));
}

/** Makes `id` the server's primary (clearing the old one first, as the unique index demands). */
export async function setPrimaryAllocation(db: Executor, serverId: number, id: number, now: Date): Promise<void> {
  await db.update(allocations).set({ primaryServerId: null, updatedAt: now }).where(eq(allocations.primaryServerId, serverId));
  await db.update(allocations).set({ primaryServerId: serverId, updatedAt: now })
    .where(and(eq(allocations.serverId, serverId), eq(allocations.id, id)));
}

/** Returns the row to the node's pool, notes cleared (Pterodactyl). */
export async function releaseAllocation(db: Executor, serverId: number, id: number, now: Date): Promise<void> {
  await db.update(allocations).set({ serverId: null, primaryServerId: null, notes: null, updatedAt: now })
    .where(and(eq(allocations.serverId, serverId), eq(allocations.id, id)));
}

/** The node's pool, for the admin CLI: every row with its owner's id. */
export async function listNodeAllocations(db: Executor, nodeId: number | null): Promise<AllocationRow[]> {
  return db.select().from(allocations).where(onNode(nodeId)).orderBy(asc(allocations.ip), asc(allocations.port));
}

/** Locks one allocation row by id, whatever its node (admin removal). */
export async function lockAllocation(db: Executor, id: number): Promise<AllocationRow | null> {
  const [row] = await db.select().from(allocations).where(eq(allocations.id, id)).limit(1).for('update');
  return row ?? null;
}

/** Removes an allocation nobody holds (the caller checked `server_id` under the lock). */
export async function deleteFreeAllocation(db: Executor, id: number): Promise<number> {
  const [res] = await db.delete(allocations).where(and(eq(allocations.id, id), isNull(allocations.serverId)));
  return res.affectedRows;
}
