import { and, eq, ne } from 'drizzle-orm';
import type { Executor } from '../client';
import { servers, subusers, type ServerRow, type SubuserRow } from '../schema/servers';

export type NewServer = typeof servers.$inferInsert;

export async function insertServer(db: Executor, server: NewServer): Promise<ServerRow> {
  await db.insert(servers).values(server);
  const row = await findServerByRef(db, server.uuid);
  if (!row) throw new Error('inserted server not found');
  return row;
}

/** A server by its uuid or its 8-character identifier. */
export async function findServerByRef(db: Executor, ref: string): Promise<ServerRow | null> {
  const [row] = await db.select().from(servers)
    .where(ref.length === 8 ? eq(servers.identifier, ref) : eq(servers.uuid, ref)).limit(1);
  return row ?? null;
}

/**
 * The server named by `ref` together with `userId`'s subuser row on it, in one round trip. The caller decides
 * what the pair means (owner, admin, subuser, nobody).
 */
export async function findServerWithMembership(
  db: Executor,
  ref: string,
  userId: number,
): Promise<{ server: ServerRow; subuser: SubuserRow | null } | null> {
  const [row] = await db.select({ server: servers, subuser: subusers }).from(servers)
    .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, userId)))
    .where(ref.length === 8 ? eq(servers.identifier, ref) : eq(servers.uuid, ref))
    .limit(1);
  return row ? { server: row.server, subuser: row.subuser } : null;
}

/**
 * Servers the user owns or is an active subuser of (admins see only their own here, as in Pterodactyl's default).
 * Two indexed lookups sent together (owner_id; subusers.user_id) rather than one OR across the join, which made
 * MariaDB walk every server (test/bench/scale.ts, docs/reliability.md).
 */
export async function listServersForUser(db: Executor, userId: number): Promise<Array<{ server: ServerRow; subuser: SubuserRow | null }>> {
  const [owned, member] = await Promise.all([
    db.select({ server: servers, subuser: subusers }).from(servers)
      .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, userId)))
      .where(eq(servers.ownerId, userId)),
    db.select({ server: servers, subuser: subusers }).from(subusers)
      .innerJoin(servers, eq(servers.id, subusers.serverId))
      .where(and(eq(subusers.userId, userId), eq(subusers.status, 'active'), ne(servers.ownerId, userId))),
  ]);
  return [...owned, ...member].sort((a, b) => a.server.id - b.server.id).map((r) => ({ server: r.server, subuser: r.subuser }));
}

/** Locks the server row for the rest of the transaction (ownership changes). */
export async function lockServer(db: Executor, serverId: number): Promise<ServerRow | null> {
  const [row] = await db.select().from(servers).where(eq(servers.id, serverId)).limit(1).for('update');
  return row ?? null;
}

export async function setServerOwner(db: Executor, serverId: number, ownerId: number, now: Date): Promise<void> {
  await db.update(servers).set({ ownerId, updatedAt: now }).where(eq(servers.id, serverId));
}

/** Admin edits of a server row (suspension, limits, details). */
export async function updateServerRow(db: Executor, serverId: number, patch: Partial<NewServer>): Promise<void> {
  await db.update(servers).set(patch).where(eq(servers.id, serverId));
}

/**
 * Removes a server row; what hangs from it goes with it (subusers, schedules, backups, databases' rows, variables,
 * proxy routes, network memberships: ON DELETE CASCADE) and its activity rows and allocations are kept, unlinked.
 */
export async function deleteServerRow(db: Executor, serverId: number): Promise<void> {
  await db.delete(servers).where(eq(servers.id, serverId));
}
