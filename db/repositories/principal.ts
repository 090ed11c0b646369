import { and, eq, fillPlaceholders, getTableColumns, sql, type Column, type SQL } from 'drizzle-orm';
import type { MySqlTable } from 'drizzle-orm/mysql-core';
import type { ExecuteValues, FieldPacket } from 'mysql2';
import type { Pool } from 'mysql2/promise';
import type { Database } from '../client';
import { apiKeys, sessions, type ApiKeyRow } from '../schema/credentials';
import { allocations } from '../schema/network';
import { compareAllocations } from './network-allocations';
import { servers, subusers, type ServerRow, type SubuserRow } from '../schema/servers';
import { users, type UserRow } from '../schema/users';

/**
 * The user as every request reads it: the row without its secrets (password hash, TOTP secret and last step). They
 * have no business riding along on every request, and the few services that need them read them themselves.
 */
export type PrincipalUser = Omit<UserRow, 'password' | 'totpSecret' | 'totpLastStep'>;
const { password: _password, totpSecret: _totpSecret, totpLastStep: _totpLastStep, ...principalUserColumns } = getTableColumns(users);

/** The caller's own API key as a request reads it: what authentication, the audit and key scopes use. */
export type PrincipalKey = Omit<ApiKeyRow, 'userId' | 'memo' | 'createdAt'>;
const { userId: _keyUser, memo: _memo, createdAt: _keyCreated, ...principalKeyColumns } = getTableColumns(apiKeys);

/** The caller's membership as a request reads it: no invite token hash or expiry, no timestamps. */
export type PrincipalSubuser = Omit<SubuserRow, 'inviteTokenHash' | 'inviteExpiresAt' | 'createdAt' | 'updatedAt'>;
const { inviteTokenHash: _invite, inviteExpiresAt: _inviteExpires, createdAt: _subCreated, updatedAt: _subUpdated, ...principalSubuserColumns } = getTableColumns(subusers);

/**
 * Authentication and authorization of one request in ONE round trip: the caller (session or API key), the user, and
 * — when the path names a server — that server with the user's subuser row on it. These run on every guarded
 * request, so drizzle builds each statement once and it runs as a server-side prepared statement (binary protocol,
 * cached per connection) on the callback pool, rows as arrays mapped by the columns' own driver mappers: the
 * measured cost per call is about a third of drizzle's prepared query (docs/performance.md).
 */
export interface Principal {
  readonly user: PrincipalUser;
  /** Present when the path named a server and it exists. */
  readonly server: ServerRow | null;
  readonly subuser: PrincipalSubuser | null;
  /** The named server's allocations, primary first, when the route asked for them (`withAllocations`). */
  readonly allocations?: readonly PrincipalAllocation[];
  /** Which allocations `allocations` holds: every one, or the primary alone (AllocationScope). */
  readonly allocationsScope?: AllocationScope;
}

/**
 * How much of the server's allocations a guarded read joins: `all` (a join on `server_id`, one row per allocation) or
 * `primary` (a join on the unique `primary_server_id`, at most one row). MariaDB resolves a statement whose tables are
 * all looked up by unique keys before executing it; the `server_id` join alone made it run the join executor and
 * cost it ~30 µs of the ~85 µs per statement (docs/performance.md, fifth session). A member without
 * `allocation.read` sees only the primary, so `primary` is all it needs.
 */
export type AllocationScope = 'all' | 'primary';

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
 * The server's allocations, read in the same statement by a left join (one row per allocation, the principal's
 * columns repeated), sorted as listServerAllocations sorts them (compareAllocations: primary first, then ip and port),
 * so GET /servers/{server} needs no second round trip for its `relationships.allocations`. The sorting happens here,
 * not in the statement: an `ORDER BY` cost MariaDB ~40 µs per guarded read (a filesort through a temporary table),
 * a third of its whole cost (docs/performance.md, fifth session).
 *
 * Measured on MariaDB 10.11 (docs/performance.md, fourth session): the correlated subquery this replaced cost the
 * database ~50 µs per statement even for an empty list (a `count(*)` alone ~22 µs), the join ~20 µs for two
 * allocations, and free text now arrives whole. At most ALLOCATION_ROWS rows are read: a server with more
 * allocations gets `undefined` and the route reads its list itself.
 */
export const ALLOCATION_ROWS = 64;
const allocationFields = {
  allocationId: allocations.id, allocationPort: allocations.port,
  allocationIsDefault: sql<number>`${allocations.primaryServerId} <=> ${allocations.serverId}`,
  allocationIp: allocations.ip, allocationIpAlias: allocations.ipAlias, allocationNotes: allocations.notes,
};
const ALLOCATION_COLUMNS = Object.keys(allocationFields).length;

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
 * allocation columns of every row.
 */
type Group = readonly [name: string, table: MySqlTable | Record<string, Column> | Column | 'allocations'];
type Mapped = ReadonlyArray<readonly [string, Column]> | Column | 'allocations';

interface Statement {
  readonly sql: string;
  readonly params: unknown[];
  readonly groups: readonly (readonly [name: string, columns: Mapped])[];
  checked: boolean;
}

const isColumn = (t: object): t is Column => 'columnType' in t && 'getSQL' in t;
const isTable = (t: object): t is MySqlTable => 'getSQL' in t && !('columnType' in t);

function statement(query: Built, groups: readonly Group[]): Statement {
  const { sql: text, params } = query.toSQL();
  return {
    sql: text, params, checked: false,
    groups: groups.map(([name, t]): readonly [string, Mapped] => [name, t === 'allocations' ? t : isColumn(t) ? t : Object.entries(isTable(t) ? getTableColumns(t) : t)]),
  };
}

const sessionGroups: Group[] = [['user', principalUserColumns], ['server', servers], ['subuser', principalSubuserColumns], ['expires', sessions.expires]];
const apiKeyGroups: Group[] = [['key', principalKeyColumns], ['user', principalUserColumns], ['server', servers], ['subuser', principalSubuserColumns]];
const withAllocationsGroup = (groups: Group[], scope: AllocationScope | null): Group[] => (scope ? [...groups, ['allocations', 'allocations']] : groups);
const allocationsField = (scope: AllocationScope | null): typeof allocationFields | Record<string, never> => (scope ? allocationFields : {});

interface Built { toSQL(): { sql: string; params: unknown[] } }
/** The builder methods used here, typed loosely: drizzle's select types do not survive a join added conditionally. */
interface Joinable {
  leftJoin(table: typeof allocations, on: SQL): Joinable;
  limit(n: number): Built;
}

/** The allocations' join and row cap for the scope the route asked for; one row otherwise (no join at all). */
function allocationsJoined(dynamic: unknown, scope: AllocationScope | null): Built {
  const q = dynamic as Joinable;
  if (!scope) return q.limit(1);
  if (scope === 'primary') return q.leftJoin(allocations, eq(allocations.primaryServerId, servers.id)).limit(1);
  return q.leftJoin(allocations, eq(allocations.serverId, servers.id)).limit(ALLOCATION_ROWS);
}

function buildSession(db: Database, kind: RefKind, scope: AllocationScope | null): Statement {
  const q = db.select({ user: principalUserColumns, server: servers, subuser: principalSubuserColumns, expires: sessions.expires, ...allocationsField(scope) })
    .from(users)
    .innerJoin(sessions, eq(sessions.sessionId, sql.placeholder('sid')))
    .leftJoin(servers, serverMatch(kind))
    .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, users.id)))
    .where(eq(users.id, sql.placeholder('userId')))
    .$dynamic();
  return statement(allocationsJoined(q, scope), withAllocationsGroup(sessionGroups, scope));
}

function buildApiKey(db: Database, kind: RefKind, scope: AllocationScope | null): Statement {
  const q = db.select({ key: principalKeyColumns, user: principalUserColumns, server: servers, subuser: principalSubuserColumns, ...allocationsField(scope) })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .leftJoin(servers, serverMatch(kind))
    .leftJoin(subusers, and(eq(subusers.serverId, servers.id), eq(subusers.userId, users.id)))
    .where(eq(apiKeys.identifier, sql.placeholder('identifier')))
    .$dynamic();
  return statement(allocationsJoined(q, scope), withAllocationsGroup(apiKeyGroups, scope));
}

const mapValue = (column: Column, raw: unknown): unknown => (raw === null ? null : raw instanceof Date ? raw : column.mapFromDriverValue(raw));

/** The allocation columns starting at `at` in every row (a left join without a match gives one row of nulls). */
function rowAllocations(rows: readonly unknown[][], at: number): PrincipalAllocation[] | undefined {
  if (rows.length >= ALLOCATION_ROWS) return undefined; // possibly cut: the route reads the list itself
  const list: PrincipalAllocation[] = [];
  for (const r of rows) {
    if (r[at] === null) continue;
    list.push({
      id: mapValue(allocations.id, r[at]) as number, port: mapValue(allocations.port, r[at + 1]) as number, isDefault: Number(r[at + 2]) === 1,
      ip: r[at + 3] as string, ipAlias: r[at + 4] as string | null, notes: r[at + 5] as string | null,
    });
  }
  return list.sort(compareAllocations);
}

/** Maps the first array row back to `{ group: row | null | value }`, as drizzle's select would. */
function mapRow(st: Statement, rows: unknown[][], fields: FieldPacket[]): Record<string, unknown> {
  const raw = rows[0] as unknown[];
  let i = 0;
  const out: Record<string, unknown> = {};
  for (const [name, columns] of st.groups) {
    if (columns === 'allocations') {
      if (!st.checked && fields[i]?.name !== allocations.id.name) throw new Error(`principal query: column ${i} is ${fields[i]?.name}`);
      out[name] = rowAllocations(rows, i);
      i += ALLOCATION_COLUMNS;
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
    (db as Database & { $client: Pool }).$client.pool.execute({ sql: stmt.sql, rowsAsArray: true, dateStrings: false }, params, (err, rows, fields) => {
      if (err) return reject(err);
      const all = rows as unknown[][];
      try {
        resolve(all.length ? mapRow(stmt, all, fields) : null);
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** The scope asked for: `true` is every allocation; none without a server in the path. */
function scopeOf(withAllocations: boolean | AllocationScope, kind: RefKind): AllocationScope | null {
  if (kind === 'none' || withAllocations === false) return null;
  return withAllocations === true ? 'all' : withAllocations;
}

/** By session: null when the session row is gone (logged out elsewhere) or expired, or the user is gone. */
export async function findSessionPrincipal(
  db: Database, sessionId: string, userId: number, serverRef: string | null, nowSeconds: number, withAllocations: boolean | AllocationScope = false,
): Promise<Principal | null> {
  const kind = refKind(serverRef);
  const scope = scopeOf(withAllocations, kind);
  const row = await run(db, `session:${kind}:${scope}`, () => buildSession(db, kind, scope), { sid: sessionId, userId, ref: serverRef ?? '' });
  if (!row || (row.expires as number) <= nowSeconds) return null;
  return {
    user: row.user as PrincipalUser, server: row.server as ServerRow | null, subuser: row.subuser as PrincipalSubuser | null,
    ...(scope && row.allocations ? { allocations: row.allocations as PrincipalAllocation[], allocationsScope: scope } : {}),
  };
}

/** By API key identifier: the key, its user, and the named server's membership. */
export async function findApiKeyPrincipal(
  db: Database, identifier: string, serverRef: string | null, withAllocations: boolean | AllocationScope = false,
): Promise<(Principal & { key: PrincipalKey }) | null> {
  const kind = refKind(serverRef);
  const scope = scopeOf(withAllocations, kind);
  const row = await run(db, `apikey:${kind}:${scope}`, () => buildApiKey(db, kind, scope), { identifier, ref: serverRef ?? '' });
  if (!row) return null;
  const { allocations: list, ...rest } = row;
  return { ...rest, ...(scope && list ? { allocations: list as PrincipalAllocation[], allocationsScope: scope } : {}) } as Principal & { key: PrincipalKey };
}
