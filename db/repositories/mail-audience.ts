import { and, asc, eq, exists, gt, lt, not, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { nodes, servers, subusers } from '../schema/servers';
import { serverStartup, software } from '../schema/startup';
import { users } from '../schema/users';

/** The audience filter as the repository reads it (every field optional; all given ones must hold). */
export interface AudienceFilter {
  readonly nodeId?: number | undefined;
  readonly softwareId?: string | undefined;
  readonly hasServers?: boolean | undefined;
  readonly createdAfter?: Date | undefined;
  readonly createdBefore?: Date | undefined;
  readonly admin?: boolean | undefined;
}

/** A server the user in the outer query has: owns it, or is an active subuser of it. */
function hasServerWhere(extra: SQL[], db: Executor): SQL {
  const member = or(
    eq(servers.ownerId, users.id),
    exists(db.select({ one: sql`1` }).from(subusers)
      .where(and(eq(subusers.serverId, servers.id), eq(subusers.userId, users.id), eq(subusers.status, 'active')))),
  );
  const base = db.select({ one: sql`1` }).from(servers).leftJoin(serverStartup, eq(serverStartup.serverId, servers.id));
  return exists(base.where(and(member, ...extra)));
}

/**
 * Who a mass mail reaches: active, unsuspended accounts (pending invites never signed up) matching every given
 * filter. Node and software filters apply to the same server.
 */
export function audienceWhere(db: Executor, filter: AudienceFilter): SQL {
  const conditions: SQL[] = [eq(users.status, 'active'), eq(users.suspended, false)];
  if (filter.admin !== undefined) conditions.push(eq(users.rootAdmin, filter.admin));
  if (filter.createdAfter) conditions.push(gt(users.createdAt, filter.createdAfter));
  if (filter.createdBefore) conditions.push(lt(users.createdAt, filter.createdBefore));
  const serverConditions: SQL[] = [];
  if (filter.nodeId !== undefined) serverConditions.push(eq(servers.nodeId, filter.nodeId));
  if (filter.softwareId !== undefined) serverConditions.push(eq(serverStartup.softwareId, filter.softwareId));
  if (serverConditions.length) conditions.push(hasServerWhere(serverConditions, db));
  if (filter.hasServers === true && !serverConditions.length) conditions.push(hasServerWhere([], db));
  if (filter.hasServers === false) conditions.push(not(hasServerWhere([], db)));
  return and(...conditions) as SQL;
}

export async function countAudience(db: Executor, filter: AudienceFilter): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(users).where(audienceWhere(db, filter));
  return Number(row?.n ?? 0);
}

export interface AudienceMember {
  readonly id: number;
  readonly email: string;
}

/** The audience, oldest account first (the preview shows the first few). */
export async function listAudience(db: Executor, filter: AudienceFilter, limit: number): Promise<AudienceMember[]> {
  return db.select({ id: users.id, email: users.email }).from(users).where(audienceWhere(db, filter)).orderBy(asc(users.id)).limit(limit);
}

/** What the audience filter can name: every node and software definition, by name. */
export async function audienceOptions(db: Executor): Promise<{ nodes: Array<{ id: number; name: string }>; software: Array<{ id: string; name: string }> }> {
  const [nodeRows, softwareRows] = await Promise.all([
    db.select({ id: nodes.id, name: nodes.name }).from(nodes).orderBy(asc(nodes.name)),
    db.select({ id: software.id, name: software.name }).from(software).orderBy(asc(software.name)),
  ]);
  return { nodes: nodeRows, software: softwareRows };
}

export async function nodeExists(db: Executor, id: number): Promise<boolean> {
  return (await db.select({ id: nodes.id }).from(nodes).where(eq(nodes.id, id)).limit(1)).length > 0;
}

export async function softwareExists(db: Executor, id: string): Promise<boolean> {
  return (await db.select({ id: software.id }).from(software).where(eq(software.id, id)).limit(1)).length > 0;
}
