import { and, asc, count, eq, isNull, or } from 'drizzle-orm';
import type { Executor } from '../client';
import { databaseHosts, serverDatabases, type DatabaseHostRow, type ServerDatabaseRow } from '../schema/databases';
import { nodes, type NodeRow } from '../schema/servers';

export type NewDatabaseHost = typeof databaseHosts.$inferInsert;
export type NewServerDatabase = typeof serverDatabases.$inferInsert;
export interface DatabaseWithHost { readonly database: ServerDatabaseRow; readonly host: DatabaseHostRow }
export interface HostWithCount { readonly host: DatabaseHostRow; readonly databases: number }

// ---- hosts -------------------------------------------------------------------------------------------------------

export async function insertDatabaseHost(db: Executor, row: NewDatabaseHost): Promise<DatabaseHostRow> {
  await db.insert(databaseHosts).values(row);
  const found = await findDatabaseHostByName(db, row.name);
  if (!found) throw new Error('inserted database host not found');
  return found;
}

export async function findDatabaseHostByName(db: Executor, name: string): Promise<DatabaseHostRow | null> {
  const [row] = await db.select().from(databaseHosts).where(eq(databaseHosts.name, name)).limit(1);
  return row ?? null;
}

export async function findManagedDatabaseHost(db: Executor): Promise<DatabaseHostRow | null> {
  const [row] = await db.select().from(databaseHosts).where(eq(databaseHosts.managed, true)).orderBy(asc(databaseHosts.id)).limit(1);
  return row ?? null;
}

export async function updateDatabaseHost(db: Executor, id: number, values: Partial<Pick<DatabaseHostRow, 'host' | 'port' | 'username' | 'password' | 'maxDatabases'>>, now: Date): Promise<void> {
  await db.update(databaseHosts).set({ ...values, updatedAt: now }).where(eq(databaseHosts.id, id));
}

/** Every host with how many databases it holds (CLI list, host choice). */
export async function listDatabaseHosts(db: Executor, forNode?: { nodeId: number | null }): Promise<HostWithCount[]> {
  const rows = await db.select({ host: databaseHosts, databases: count(serverDatabases.id) }).from(databaseHosts)
    .leftJoin(serverDatabases, eq(serverDatabases.hostId, databaseHosts.id))
    .where(forNode === undefined ? undefined
      : forNode.nodeId === null ? isNull(databaseHosts.nodeId)
        : or(eq(databaseHosts.nodeId, forNode.nodeId), isNull(databaseHosts.nodeId)))
    .groupBy(databaseHosts.id)
    .orderBy(asc(databaseHosts.id));
  return rows.map((r) => ({ host: r.host, databases: Number(r.databases) }));
}

/** Locks the host row for the rest of the transaction (its max_databases check). */
export async function lockDatabaseHost(db: Executor, id: number): Promise<DatabaseHostRow | null> {
  const [row] = await db.select().from(databaseHosts).where(eq(databaseHosts.id, id)).limit(1).for('update');
  return row ?? null;
}

export async function countDatabasesOnHost(db: Executor, hostId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(serverDatabases).where(eq(serverDatabases.hostId, hostId));
  return Number(row?.n ?? 0);
}

export async function deleteDatabaseHost(db: Executor, id: number): Promise<void> {
  await db.delete(databaseHosts).where(eq(databaseHosts.id, id));
}

/** The node a host is tied to, by uuid or name (database-host:create --node). */
export async function findNodeByUuidOrName(db: Executor, ref: string): Promise<NodeRow | null> {
  const [row] = await db.select().from(nodes).where(or(eq(nodes.uuid, ref), eq(nodes.name, ref))).orderBy(asc(nodes.id)).limit(1);
  return row ?? null;
}

// ---- server databases --------------------------------------------------------------------------------------------

export async function listServerDatabases(db: Executor, serverId: number): Promise<DatabaseWithHost[]> {
  const rows = await db.select({ database: serverDatabases, host: databaseHosts }).from(serverDatabases)
    .innerJoin(databaseHosts, eq(databaseHosts.id, serverDatabases.hostId))
    .where(eq(serverDatabases.serverId, serverId))
    .orderBy(asc(serverDatabases.id));
  return rows;
}

/** One database of one server by its public id; `lock` takes the row for the rest of the transaction. */
export async function findServerDatabase(db: Executor, serverId: number, identifier: string, lock = false): Promise<DatabaseWithHost | null> {
  const q = db.select({ database: serverDatabases, host: databaseHosts }).from(serverDatabases)
    .innerJoin(databaseHosts, eq(databaseHosts.id, serverDatabases.hostId))
    .where(and(eq(serverDatabases.serverId, serverId), eq(serverDatabases.identifier, identifier)))
    .limit(1);
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function countServerDatabases(db: Executor, serverId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(serverDatabases).where(eq(serverDatabases.serverId, serverId));
  return Number(row?.n ?? 0);
}

export async function serverHasDatabaseNamed(db: Executor, serverId: number, database: string): Promise<boolean> {
  const [row] = await db.select({ id: serverDatabases.id }).from(serverDatabases)
    .where(and(eq(serverDatabases.serverId, serverId), eq(serverDatabases.database, database))).limit(1);
  return row !== undefined;
}

export async function insertServerDatabase(db: Executor, row: NewServerDatabase): Promise<void> {
  await db.insert(serverDatabases).values(row);
}

export async function setServerDatabasePassword(db: Executor, id: number, password: string, now: Date): Promise<void> {
  await db.update(serverDatabases).set({ password, updatedAt: now }).where(eq(serverDatabases.id, id));
}

export async function deleteServerDatabase(db: Executor, id: number): Promise<void> {
  await db.delete(serverDatabases).where(eq(serverDatabases.id, id));
}
