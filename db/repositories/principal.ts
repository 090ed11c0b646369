import { and, eq, fillPlaceholders, getTableColumns, sql, type Column, type SQL } from 'drizzle-orm';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import type { ExecuteValues, FieldPacket } from 'mysql2';
import type { Pool } from 'mysql2/promise';
import type { Database } from '../client';
import { apiKeys, sessions, type ApiKeyRow } from '../schema/credentials';
import { allocations } from '../schema/network';
import { servers, subusers, type ServerRow, type SubuserRow } from '../schema/servers';
import { users, type UserRow } from '../schema/users';

/**
 * Authentication and authorization of one request in ONE round trip: the caller (session or API key), the user, and
 * — when the path names a server — that server with the user's subuser row on it. These run on every guarded
 * request, so drizzle builds each statement once and it runs as a server-side prepared statement (binary protocol,
 * cached per connection) on the callback pool, rows as arrays mapped by the columns' own driver mappers: the
 * measured cost per call is about a third of drizzle's prepared query (docs/performance.md).
 */
export interface Principal {
  readonly user: UserRow;
  /** Present when the path named a server and it exists. */
  readonly server: ServerRow | null;
  readonly subuser: SubuserRow | null;
  /** The named server's allocations, primary first, when the route asked for them (`withAllocations`). */
  readonly allocations?: readonly PrincipalAllocation[];
}

/** An allocation as read with the principal (the fields of Pterodactyl's client `allocation` item). */
export interface PrincipalAllocation {
  readonly id: number;
  readonly ip: string;
  readonly ipAlias: string | null;
  readonly port: number;
  readonly notes: string | null;
  readonly isDefault: boolean;
}

/**
 * The server's allocations as one JSON array, primary first then by ip and port (listServerAllocations' order), so
 * GET /servers/{server} needs no second round trip for its `relationships.allocations`.
 */
const allocationsJson = sql<string | null>`(select json_arrayagg(json_object('id', a.id, 'ip', a.ip, 'ip_alias', a.ip_alias, 'port', a.port, 'notes', a.notes, 'is_default', a.primary_server_id <=> a.server_id) order by a.primary_server_id is null, a.ip, a.port) from ${allocations} a where a.server_id = ${servers.id})`;

type RefKind = 'uuid' | 'identifier' | 'none';
const refKind = (ref: string | null): RefKind => (!ref ? 'none' : ref.length === 8 ? 'identifier' : 'uuid');

function serverMatch(kind: RefKind): SQL {
  // No server in the path: a primary-key lookup that never matches (ids start at 1). `ON false` made MariaDB walk
  // every server row for each request (test/bench/scale.ts, docs/reliability.md).
  if (kind === 'none') return sql`${servers.id} = 0`;
  return eq(kind === 'identifier' ? servers.identifier : servers.uuid, sql.placeholder('ref'));
}

/**
 * One selected group: a whole table (null when its primary key is null: an unmatched left join), one column, or the
 * allocations' JSON array.
 */
type Group = readonly [name: string, table: MySqlTable | Column | 'allocations'];
type Mapped = ReadonlyArray<readonly [string, Column]> | Column | 'allocations';

interface Statement {
  readonly sql: string;
  readonly params: unknown[];
  readonly groups: readonly (readonly [name: string, columns: Mapped])[];
  checked: boolean;
}

function statement(query: { toSQL(): { sql: string; params: unknown[] } }, groups: readonly Group[]): Statement {
  const { sql: text, params } = query.toSQL();
  return {
    sql: text, params, checked: false,
    groups: groups.map(([name, t]): readonly [string, Mapped] => [name, t === 'allocations' ? t : 'getSQL' in t && !('columnType' in t) ? Object.entries(getTableColumns(t as MySqlTable)) : t as Column]),
  };
}

const sessionGroups: Group[] = [['user', users], ['server', servers], ['subuser', subusers], ['expires', sessions.expires]];
const apiKeyGroups: Group[] = [['key', apiKeys], ['user', users], ['server', servers], ['subuser', subusers]];
const withAllocationsGroup = (groups: Group[], extra: boolean): Group[] => (extra ? [...groups, ['allocations', 'allocations']] : groups);
const allocationsField = (extra: boolean): { allocations: typeof allocationsJson } | Record<string, never> => (extra ? { allocations: allocationsJson } : {});

function buildSession(db: Database, kind: RefKind, extra: boolean): Statement {
  return statement(db.select({ user: users, server: servers, subuser: subusers, expires: sessions.expires, ...allocationsField(extra) })
    .from(users)
    .innerJoin(sessions, eq(sessions.sessionId, sql.placeholder('sid')))
    .leftJoin(servers, serverMatch(kind))
    .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, users.id)))
    .where(eq(users.id, sql.placeholder('userId')))
    .limit(1), withAllocationsGroup(sessionGroups, extra));
}

function buildApiKey(db: Database, kind: RefKind, extra: boolean): Statement {
  return statement(db.select({ key: apiKeys, user: users, server: servers, subuser: subusers, ...allocationsField(extra) })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .leftJoin(servers, serverMatch(kind))
    .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, users.id)))
    .where(eq(apiKeys.identifier, sql.placeholder('identifier')))
    .limit(1), withAllocationsGroup(apiKeyGroups, extra));
}

interface AllocationJson { id: number; ip: string; ip_alias: string | null; port: number; notes: string | null; is_default: number | boolean }

function mapAllocations(raw: unknown): PrincipalAllocation[] {
  if (raw === null || raw === undefined) return [];
  const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as AllocationJson[];
  return list.map((a) => ({ id: Number(a.id), ip: a.ip, ipAlias: a.ip_alias, port: Number(a.port), notes: a.notes, isDefault: a.is_default === true || a.is_default === 1 }));
}

const mapValue = (column: Column, raw: unknown): unknown => (raw === null ? null : column.mapFromDriverValue(raw));

/** Maps one array row back to `{ group: row | null | value }`, as drizzle's select would. */
function mapRow(st: Statement, raw: unknown[], fields: FieldPacket[]): Record<string, unknown> {
  let i = 0;
  const out: Record<string, unknown> = {};
  for (const [name, columns] of st.groups) {
    if (columns === 'allocations') {
      out[name] = mapAllocations(raw[i++]);
      continue;
    }
    if (!Array.isArray(columns)) {
      if (!st.checked && fields[i]?.name !== (columns as Column).name) throw new Error(`principal query: column ${i} is ${fields[i]?.name}`);
      out[name] = mapValue(columns as Column, raw[i++]);
      continue;
    }
    const row: Record<string, unknown> = {};
    const first = i;
    for (const [key, column] of columns) {
      if (!st.checked && fields[i]?.name !== column.name) throw new Error(`principal query: column ${i} is ${fields[i]?.name}, not ${column.name}`);
      row[key] = mapValue(column, raw[i++]);
    }
    out[name] = raw[first] === null ? null : row; // the primary key comes first: null means no matching row
  }
  st.checked = true;
  return out;
}

const cache = new WeakMap<Database, Map<string, Statement>>();

function run(db: Database, key: string, build: () => Statement, values: Record<string, unknown>): Promise<Record<string, unknown> | null> {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let st = statements.get(key);
  if (!st) statements.set(key, (st = build()));
  const stmt = st;
  const params = fillPlaceholders(stmt.params, values) as ExecuteValues[];
  return new Promise((resolve, reject) => {
    // The callback pool under drizzle's promise pool: no per-call stack capture.
    (db as Database & { $client: Pool }).$client.pool.execute({ sql: stmt.sql, rowsAsArray: true, dateStrings: true }, params, (err, rows, fields) => {
      if (err) return reject(err);
      const [first] = rows as unknown[][];
      try {
        resolve(first ? mapRow(stmt, first, fields) : null);
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** By session: null when the session row is gone (logged out elsewhere) or expired, or the user is gone. */
export async function findSessionPrincipal(
  db: Database, sessionId: string, userId: number, serverRef: string | null, nowSeconds: number, withAllocations = false,
): Promise<Principal | null> {
  const kind = refKind(serverRef);
  const extra = withAllocations && kind !== 'none';
  const row = await run(db, `session:${kind}:${extra}`, () => buildSession(db, kind, extra), { sid: sessionId, userId, ref: serverRef ?? '' });
  if (!row || (row.expires as number) <= nowSeconds) return null;
  return {
    user: row.user as UserRow, server: row.server as ServerRow | null, subuser: row.subuser as SubuserRow | null,
    ...(extra ? { allocations: row.allocations as PrincipalAllocation[] } : {}),
  };
}

/** By API key identifier: the key, its user, and the named server's membership. */
export async function findApiKeyPrincipal(
  db: Database, identifier: string, serverRef: string | null, withAllocations = false,
): Promise<(Principal & { key: ApiKeyRow }) | null> {
  const kind = refKind(serverRef);
  const extra = withAllocations && kind !== 'none';
  const row = await run(db, `apikey:${kind}:${extra}`, () => buildApiKey(db, kind, extra), { identifier, ref: serverRef ?? '' });
  return row as (Principal & { key: ApiKeyRow }) | null;
}
