import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { allocations, proxyRoutes, type AllocationRow, type ProxyRouteRow } from '../schema/network';
import { servers, type ServerRow } from '../schema/servers';

export interface ProxyRouteWithTarget {
  readonly route: ProxyRouteRow;
  readonly allocation: AllocationRow;
}

export async function insertProxyRoute(db: Executor, row: typeof proxyRoutes.$inferInsert): Promise<ProxyRouteRow> {
  const [result] = await db.insert(proxyRoutes).values(row);
  const [found] = await db.select().from(proxyRoutes).where(eq(proxyRoutes.id, result.insertId)).limit(1);
  if (!found) throw new Error('inserted proxy route not found');
  return found;
}

export async function listServerProxyRoutes(db: Executor, serverId: number): Promise<ProxyRouteWithTarget[]> {
  return db.select({ route: proxyRoutes, allocation: allocations }).from(proxyRoutes)
    .innerJoin(allocations, eq(allocations.id, proxyRoutes.allocationId))
    .where(eq(proxyRoutes.serverId, serverId)).orderBy(asc(proxyRoutes.domain));
}

export async function findServerProxyRoute(db: Executor, serverId: number, id: number, lock = false): Promise<ProxyRouteRow | null> {
  const query = db.select().from(proxyRoutes).where(and(eq(proxyRoutes.serverId, serverId), eq(proxyRoutes.id, id))).limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

export async function countServerProxyRoutes(db: Executor, serverId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(proxyRoutes).where(eq(proxyRoutes.serverId, serverId));
  return Number(row?.n ?? 0);
}

/** The domains of the routes that forward to an allocation (it cannot be released while any does). */
export async function proxyDomainsForAllocation(db: Executor, serverId: number, allocationId: number): Promise<string[]> {
  const rows = await db.select({ domain: proxyRoutes.domain }).from(proxyRoutes)
    .where(and(eq(proxyRoutes.serverId, serverId), eq(proxyRoutes.allocationId, allocationId))).orderBy(asc(proxyRoutes.domain));
  return rows.map((r) => r.domain);
}

export async function updateProxyRoute(
  db: Executor, serverId: number, id: number, set: Partial<Pick<ProxyRouteRow, 'domain' | 'pathPrefix' | 'allocationId' | 'websocket'>>, now: Date,
): Promise<void> {
  await db.update(proxyRoutes).set({ ...set, updatedAt: now }).where(and(eq(proxyRoutes.serverId, serverId), eq(proxyRoutes.id, id)));
}

export async function deleteProxyRoute(db: Executor, serverId: number, id: number): Promise<void> {
  await db.delete(proxyRoutes).where(and(eq(proxyRoutes.serverId, serverId), eq(proxyRoutes.id, id)));
}

/** What the reverse proxy needs to serve a Host: the route, its target and its server (for suspension and state). */
export interface ProxyLookup {
  readonly route: ProxyRouteRow;
  readonly allocation: AllocationRow;
  readonly server: ServerRow;
}

export async function findProxyRouteByDomain(db: Executor, domain: string): Promise<ProxyLookup | null> {
  const [row] = await db.select({ route: proxyRoutes, allocation: allocations, server: servers }).from(proxyRoutes)
    .innerJoin(allocations, eq(allocations.id, proxyRoutes.allocationId))
    .innerJoin(servers, eq(servers.id, proxyRoutes.serverId))
    .where(eq(proxyRoutes.domain, domain)).limit(1);
  // A route whose allocation left its server (an admin moved it) targets nothing the server owns: never forward it.
  return row && row.allocation.serverId === row.route.serverId ? row : null;
}
