import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import { alias } from 'drizzle-orm/mysql-core';
import type { Executor } from '../client';
import { allocations, privateNetworkMembers, privateNetworks, type AllocationRow, type PrivateNetworkRow } from '../schema/network';
import { servers, type ServerRow } from '../schema/servers';

export async function insertPrivateNetwork(db: Executor, nodeId: number | null, name: string, now: Date): Promise<PrivateNetworkRow> {
  const [result] = await db.insert(privateNetworks).values({ nodeId, name, createdAt: now });
  const [row] = await db.select().from(privateNetworks).where(eq(privateNetworks.id, result.insertId)).limit(1);
  if (!row) throw new Error('inserted network not found');
  return row;
}

export async function findPrivateNetwork(db: Executor, nodeId: number | null, name: string): Promise<PrivateNetworkRow | null> {
  const [row] = await db.select().from(privateNetworks)
    .where(and(eq(privateNetworks.nodeKey, nodeId ?? 0), eq(privateNetworks.name, name))).limit(1);
  return row ?? null;
}

export async function addNetworkMember(db: Executor, networkId: number, serverId: number, now: Date): Promise<void> {
  await db.insert(privateNetworkMembers).values({ networkId, serverId, createdAt: now });
}

export async function removeNetworkMember(db: Executor, networkId: number, serverId: number): Promise<boolean> {
  const [result] = await db.delete(privateNetworkMembers)
    .where(and(eq(privateNetworkMembers.networkId, networkId), eq(privateNetworkMembers.serverId, serverId)));
  return result.affectedRows === 1;
}

export interface NetworkMember {
  readonly server: ServerRow;
  /** The member's primary allocation (null when it has none yet). */
  readonly primary: AllocationRow | null;
}
export interface NetworkWithMembers {
  readonly network: PrivateNetworkRow;
  readonly members: NetworkMember[];
}

/** The networks a server is in, each with all its members and their primary allocations. */
export async function listNetworksOfServer(db: Executor, serverId: number): Promise<NetworkWithMembers[]> {
  const mine = alias(privateNetworkMembers, 'mine');
  const nets = await db.select({ network: privateNetworks }).from(privateNetworks)
    .innerJoin(mine, and(eq(mine.networkId, privateNetworks.id), eq(mine.serverId, serverId)))
    .orderBy(asc(privateNetworks.name));
  if (!nets.length) return [];
  const rows = await db.select({ networkId: privateNetworkMembers.networkId, server: servers, primary: allocations })
    .from(privateNetworkMembers)
    .innerJoin(servers, eq(servers.id, privateNetworkMembers.serverId))
    .leftJoin(allocations, and(eq(allocations.primaryServerId, servers.id), isNotNull(allocations.primaryServerId)))
    .where(inArray(privateNetworkMembers.networkId, nets.map((n) => n.network.id)))
    .orderBy(asc(servers.name), asc(servers.id));
  return nets.map(({ network }) => ({
    network,
    members: rows.filter((r) => r.networkId === network.id).map((r) => ({ server: r.server, primary: r.primary })),
  }));
}
