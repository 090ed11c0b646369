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
 * The server's allocations in one column, primary first then by ip and port (listServerAllocations' order), so
 * GET /servers/{server} needs no second round trip for its `relationships.allocations`: `count|entry;entry…`, an
 * entry `id,port,is_default,ip,alias bytes,alias hex,notes bytes,notes hex` (`~` bytes for NULL). The free text is
 * hex-encoded so no separator can occur inside a field.
 *
 * Measured on MariaDB 10.11 (docs/performance.md): JSON_ARRAYAGG here cost the database ~150 µs of CPU per request,
 * and so does GROUP_CONCAT over an expression wider than ~200 characters; cut to 200 hex characters (100 bytes of
 * alias or notes) it costs ~25 µs. A longer alias or note arrives cut, which its byte count shows, and a list cut by
 * `group_concat_max_len` shows by its count: either way the list is discarded and the route reads it itself.
 */
const allocationsPacked = sql<string | null>`(select concat(count(*), '|', coalesce(group_concat(concat_ws(',', a.id, a.port, a.primary_server_id <=> a.server_id, a.ip, coalesce(octet_length(a.ip_alias), '~'), cast(coalesce(hex(a.ip_alias), '') as char(200)), coalesce(octet_length(a.notes), '~'), cast(coalesce(hex(a.notes), '') as char(200))) order by a.primary_server_id is null, a.ip, a.port separator ';'), '')) from ${allocations} a where a.server_id = ${servers.id})`;

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
const allocationsField = (extra: boolean): { allocations: typeof allocationsPacked } | Record<string, never> => (extra ? { allocations: allocationsPacked } : {});

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

/** A hex-encoded field with its byte count; undefined when it arrived cut. */
function unhex(bytes: string, hex: string): string | null | undefined {
  if (bytes === '~') return null;
  if (hex.length !== Number(bytes) * 2) return undefined;
  return Buffer.from(hex, 'hex').toString('utf8');
}

/** Unpacks `allocationsPacked`; undefined when the list or a field came back cut (the caller then reads it itself). */
export function unpackAllocations(raw: unknown): PrincipalAllocation[] | undefined {
  if (raw === null || raw === undefined) return [];
  const text = String(raw);
  const bar = text.indexOf('|');
  const count = Number(text.slice(0, bar));
  if (count === 0) return [];
  const entries = text.slice(bar + 1).split(';');
  if (entries.length !== count) return undefined;
  const list: PrincipalAllocation[] = [];
  for (const entry of entries) {
    const f = entry.split(',');
    if (f.length !== 8) return undefined;
    const ipAlias = unhex(f[4] as string, f[5] as string);
    const notes = unhex(f[6] as string, f[7] as string);
    if (ipAlias === undefined || notes === undefined) return undefined;
    list.push({ id: Number(f[0]), port: Number(f[1]), isDefault: f[2] === '1', ip: f[3] as string, ipAlias, notes });
  }
  return list;
}

const mapValue = (column: Column, raw: unknown): unknown => (raw === null ? null : column.mapFromDriverValue(raw));

/** Maps one array row back to `{ group: row | null | value }`, as drizzle's select would. */
function mapRow(st: Statement, raw: unknown[], fields: FieldPacket[]): Record<string, unknown> {
  let i = 0;
  const out: Record<string, unknown> = {};
  for (const [name, columns] of st.groups) {
    if (columns === 'allocations') {
      out[name] = unpackAllocations(raw[i++]);
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
    ...(extra && row.allocations ? { allocations: row.allocations as PrincipalAllocation[] } : {}),
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
