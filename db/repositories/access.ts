import { and, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/mysql-core';
import type { Executor } from '../client';
import { servers, subusers, type ServerRow, type SubuserRow } from '../schema/servers';
import { users, type UserRow } from '../schema/users';

/**
 * A user, a server and the user's subuser row on it (if any), by uuids, in one round trip: what the bridge needs to
 * re-read someone's live access when a revocation arrives.
 */
export async function findAccessByUuids(
  db: Executor,
  userUuid: string,
  serverUuid: string,
): Promise<{ user: UserRow; server: ServerRow; subuser: SubuserRow | null } | null> {
  const u = alias(users, 'u');
  const [row] = await db.select({ user: u, server: servers, subuser: subusers }).from(servers)
    .innerJoin(u, eq(u.uuid, userUuid))
    .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, u.id)))
    .where(eq(servers.uuid, serverUuid))
    .limit(1);
  return row ? { user: row.user, server: row.server, subuser: row.subuser } : null;
}
