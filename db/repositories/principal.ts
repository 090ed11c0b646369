import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { apiKeys, sessions, type ApiKeyRow } from '../schema/credentials';
import { servers, subusers, type ServerRow, type SubuserRow } from '../schema/servers';
import { users, type UserRow } from '../schema/users';

/**
 * Authentication and authorization of one request in ONE round trip: the caller (session or API key), the user, and
 * — when the path names a server — that server with the user's subuser row on it. These run on every guarded
 * request, so they are prepared once per database handle (no query building, binary protocol).
 */
export interface Principal {
  readonly user: UserRow;
  /** Present when the path named a server and it exists. */
  readonly server: ServerRow | null;
  readonly subuser: SubuserRow | null;
}

type RefKind = 'uuid' | 'identifier' | 'none';
const refKind = (ref: string | null): RefKind => (!ref ? 'none' : ref.length === 8 ? 'identifier' : 'uuid');

function serverMatch(kind: RefKind): SQL {
  if (kind === 'none') return sql`false`;
  return eq(kind === 'identifier' ? servers.identifier : servers.uuid, sql.placeholder('ref'));
}

function prepareSession(db: Executor, kind: RefKind) {
  return db.select({ user: users, server: servers, subuser: subusers, expires: sessions.expires })
    .from(users)
    .innerJoin(sessions, eq(sessions.sessionId, sql.placeholder('sid')))
    .leftJoin(servers, serverMatch(kind))
    .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, users.id)))
    .where(eq(users.id, sql.placeholder('userId')))
    .limit(1)
    .prepare();
}

function prepareApiKey(db: Executor, kind: RefKind) {
  return db.select({ key: apiKeys, user: users, server: servers, subuser: subusers })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .leftJoin(servers, serverMatch(kind))
    .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, users.id)))
    .where(eq(apiKeys.identifier, sql.placeholder('identifier')))
    .limit(1)
    .prepare();
}

interface Prepared {
  session: Map<RefKind, ReturnType<typeof prepareSession>>;
  apiKey: Map<RefKind, ReturnType<typeof prepareApiKey>>;
}
const cache = new WeakMap<Executor, Prepared>();

function prepared(db: Executor): Prepared {
  let p = cache.get(db);
  if (!p) {
    p = { session: new Map(), apiKey: new Map() };
    cache.set(db, p);
  }
  return p;
}

/** By session: null when the session row is gone (logged out elsewhere) or expired, or the user is gone. */
export async function findSessionPrincipal(
  db: Executor, sessionId: string, userId: number, serverRef: string | null, nowSeconds: number,
): Promise<Principal | null> {
  const kind = refKind(serverRef);
  const p = prepared(db);
  let query = p.session.get(kind);
  if (!query) p.session.set(kind, (query = prepareSession(db, kind)));
  const [row] = await query.execute({ sid: sessionId, userId, ref: serverRef ?? '' });
  if (!row || row.expires <= nowSeconds) return null;
  return { user: row.user, server: row.server, subuser: row.subuser };
}

/** By API key identifier: the key, its user, and the named server's membership. */
export async function findApiKeyPrincipal(
  db: Executor, identifier: string, serverRef: string | null,
): Promise<(Principal & { key: ApiKeyRow }) | null> {
  const kind = refKind(serverRef);
  const p = prepared(db);
  let query = p.apiKey.get(kind);
  if (!query) p.apiKey.set(kind, (query = prepareApiKey(db, kind)));
  const [row] = await query.execute({ identifier, ref: serverRef ?? '' });
  return row ?? null;
}
