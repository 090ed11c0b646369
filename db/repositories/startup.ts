import { and, count, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import { softwareDefinitionSchema, type SoftwareDefinition } from '@contracts/software';
import type { Executor } from '../client';
import { servers, type ServerRow, type ServerStatus } from '../schema/servers';
import { serverStartup, serverVariables, software, type ServerStartupRow } from '../schema/startup';

/** Every definition is parsed with zod when it is read back, so a row edited by hand cannot reach a daemon unchecked. */
function parse(row: { definition: unknown }): SoftwareDefinition {
  const raw = typeof row.definition === 'string' ? JSON.parse(row.definition) as unknown : row.definition;
  return softwareDefinitionSchema.parse(raw);
}

export async function findSoftware(db: Executor, id: string): Promise<{ definition: SoftwareDefinition; bundled: boolean } | null> {
  const [row] = await db.select().from(software).where(eq(software.id, id)).limit(1);
  return row ? { definition: parse(row), bundled: row.bundled } : null;
}

export async function listSoftware(db: Executor): Promise<Array<{ definition: SoftwareDefinition; bundled: boolean }>> {
  const rows = await db.select().from(software).orderBy(software.id);
  return rows.map((r) => ({ definition: parse(r), bundled: r.bundled }));
}

/** Writes a definition (insert or replace). */
export async function saveSoftware(db: Executor, definition: SoftwareDefinition, bundled: boolean, now: Date): Promise<void> {
  await db.insert(software).values({ id: definition.id, name: definition.name, bundled, definition, createdAt: now, updatedAt: now })
    .onDuplicateKeyUpdate({ set: { name: definition.name, bundled, definition, updatedAt: now } });
}

/** The server's software row and its definition in one query (null without software, or one that is gone). */
export async function findServerSoftware(db: Executor, serverId: number): Promise<{ definition: SoftwareDefinition; image: string } | null> {
  const [row] = await db.select({ image: serverStartup.dockerImage, software }).from(serverStartup)
    .innerJoin(software, eq(software.id, serverStartup.softwareId))
    .where(eq(serverStartup.serverId, serverId)).limit(1);
  return row ? { definition: parse(row.software), image: row.image } : null;
}

export async function findServerStartup(db: Executor, serverId: number): Promise<ServerStartupRow | null> {
  const [row] = await db.select().from(serverStartup).where(eq(serverStartup.serverId, serverId)).limit(1);
  return row ?? null;
}

export async function saveServerStartup(db: Executor, row: Pick<ServerStartupRow, 'serverId' | 'softwareId' | 'dockerImage' | 'updatedAt'> & Partial<ServerStartupRow>): Promise<void> {
  const { serverId: _id, ...rest } = row;
  await db.insert(serverStartup).values(row).onDuplicateKeyUpdate({ set: rest });
}

/** The server's stored variable values by env name (absent = the default). */
export async function serverVariableValues(db: Executor, serverId: number): Promise<Map<string, string | null>> {
  const rows = await db.select().from(serverVariables).where(eq(serverVariables.serverId, serverId));
  return new Map(rows.map((r) => [r.envVariable, r.value]));
}

export async function setServerVariable(db: Executor, serverId: number, envVariable: string, value: string | null, now: Date): Promise<void> {
  await db.insert(serverVariables).values({ serverId, envVariable, value, updatedAt: now })
    .onDuplicateKeyUpdate({ set: { value, updatedAt: now } });
}

export async function clearServerVariables(db: Executor, serverId: number): Promise<void> {
  await db.delete(serverVariables).where(eq(serverVariables.serverId, serverId));
}

export async function updateServerFields(
  db: Executor, serverId: number,
  fields: Partial<Pick<ServerRow, 'name' | 'description' | 'startupCommand' | 'status'>>, now: Date,
): Promise<void> {
  await db.update(servers).set({ ...fields, updatedAt: now }).where(eq(servers.id, serverId));
}

/** Starts (or refreshes) an install's lease. */
export async function setInstallLease(db: Executor, serverId: number, until: Date | null, isReinstall?: boolean): Promise<void> {
  await db.update(serverStartup).set({ installLeaseUntil: until, ...(isReinstall === undefined ? {} : { installIsReinstall: isReinstall, installPending: false }) })
    .where(eq(serverStartup.serverId, serverId));
}

/**
 * Servers left `installing` by a panel that stopped: no live lease (expired, or none at all). Locked, so two panels
 * booting together recover each once.
 */
export async function lockStuckInstalls(db: Executor, now: Date): Promise<Array<{ id: number; isReinstall: boolean }>> {
  const rows = await db.select({ id: servers.id, isReinstall: serverStartup.installIsReinstall, lease: serverStartup.installLeaseUntil })
    .from(servers).leftJoin(serverStartup, eq(serverStartup.serverId, servers.id))
    .where(and(eq(servers.status, 'installing'), or(isNull(serverStartup.installLeaseUntil), lt(serverStartup.installLeaseUntil, now))))
    .for('update', { skipLocked: true });
  return rows.map((r) => ({ id: r.id, isReinstall: r.isReinstall ?? false }));
}

export async function setServersStatus(db: Executor, ids: readonly number[], status: ServerStatus | null, now: Date): Promise<void> {
  if (!ids.length) return;
  await db.update(servers).set({ status, updatedAt: now }).where(inArray(servers.id, [...ids]));
  await db.update(serverStartup).set({ installLeaseUntil: null }).where(inArray(serverStartup.serverId, [...ids]));
}

/** Servers created with software whose install has not run (claimed with SKIP LOCKED, so each runs once). */
export async function lockPendingInstalls(db: Executor): Promise<Array<{ id: number; uuid: string }>> {
  return db.select({ id: servers.id, uuid: servers.uuid }).from(serverStartup)
    .innerJoin(servers, eq(servers.id, serverStartup.serverId))
    .where(eq(serverStartup.installPending, true))
    .for('update', { skipLocked: true });
}

/** Locks a definition's row for an edit or a delete (null when there is none). */
export async function lockSoftware(db: Executor, id: string): Promise<{ definition: SoftwareDefinition; bundled: boolean } | null> {
  const [row] = await db.select().from(software).where(eq(software.id, id)).limit(1).for('update');
  return row ? { definition: parse(row), bundled: row.bundled } : null;
}

/** How many servers run a definition (it cannot be deleted while any does). */
export async function countServersOnSoftware(db: Executor, id: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(serverStartup).where(eq(serverStartup.softwareId, id));
  return Number(row?.n ?? 0);
}

export async function deleteSoftware(db: Executor, id: string): Promise<void> {
  await db.delete(software).where(eq(software.id, id));
}
