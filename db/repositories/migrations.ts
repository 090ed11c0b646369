import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { migrations, type MigrationRow, type MigrationStatus } from '../schema/migration';
import { servers, type ServerRow } from '../schema/servers';

export type NewMigration = typeof migrations.$inferInsert;

export async function insertMigration(db: Executor, row: NewMigration): Promise<MigrationRow> {
  await db.insert(migrations).values(row);
  const [found] = await db.select().from(migrations).where(eq(migrations.uuid, row.uuid)).limit(1);
  if (!found) throw new Error('inserted migration not found');
  return found;
}

/** A migration of this server by uuid (scoped: another server's uuid is not found). */
export async function findMigration(db: Executor, serverId: number, uuid: string, lock = false): Promise<MigrationRow | null> {
  const q = db.select().from(migrations).where(and(eq(migrations.serverId, serverId), eq(migrations.uuid, uuid))).limit(1);
  const [row] = lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function findMigrationById(db: Executor, id: number): Promise<MigrationRow | null> {
  const [row] = await db.select().from(migrations).where(eq(migrations.id, id)).limit(1);
  return row ?? null;
}

/** The server's migrations, newest first. */
export async function listMigrations(db: Executor, serverId: number, limit: number): Promise<MigrationRow[]> {
  return db.select().from(migrations).where(eq(migrations.serverId, serverId))
    .orderBy(desc(migrations.createdAt), desc(migrations.id)).limit(limit);
}

export async function findRunningMigration(db: Executor, serverId: number): Promise<MigrationRow | null> {
  const [row] = await db.select().from(migrations)
    .where(and(eq(migrations.serverId, serverId), eq(migrations.status, 'running'))).limit(1);
  return row ?? null;
}

/** Progress and heartbeat of a running migration; returns whether a cancel was requested meanwhile. */
export async function beatMigration(
  db: Executor, id: number, progress: { bytes: number; files: number; totalBytes?: number | null; totalFiles?: number | null }, now: Date,
): Promise<{ cancelRequested: boolean; status: MigrationStatus } | null> {
  await db.update(migrations).set({
    bytes: progress.bytes, files: progress.files, heartbeatAt: now,
    ...(progress.totalBytes !== undefined ? { totalBytes: progress.totalBytes } : {}),
    ...(progress.totalFiles !== undefined ? { totalFiles: progress.totalFiles } : {}),
  }).where(and(eq(migrations.id, id), eq(migrations.status, 'running')));
  const [row] = await db.select({ cancelRequested: migrations.cancelRequested, status: migrations.status })
    .from(migrations).where(eq(migrations.id, id)).limit(1);
  return row ?? null;
}

export async function requestMigrationCancel(db: Executor, id: number): Promise<void> {
  await db.update(migrations).set({ cancelRequested: true }).where(and(eq(migrations.id, id), eq(migrations.status, 'running')));
}

/**
 * Ends a running migration: its final status, counts and error, and the source credentials erased in the same
 * statement. Returns false when it had already ended (another instance, the recovery).
 */
export async function endMigration(
  db: Executor, id: number,
  end: { status: Exclude<MigrationStatus, 'running'>; bytes?: number; files?: number; error: string | null; at: Date; origin?: Record<string, string | number>; totalBytes?: number | null; totalFiles?: number | null },
): Promise<boolean> {
  const [result] = await db.update(migrations).set({
    status: end.status, error: end.error, finishedAt: end.at, heartbeatAt: end.at, sealedCredentials: null,
    ...(end.bytes !== undefined ? { bytes: end.bytes } : {}), ...(end.files !== undefined ? { files: end.files } : {}),
    ...(end.origin ? { origin: end.origin } : {}),
    ...(end.totalBytes !== undefined ? { totalBytes: end.totalBytes } : {}), ...(end.totalFiles !== undefined ? { totalFiles: end.totalFiles } : {}),
  }).where(and(eq(migrations.id, id), eq(migrations.status, 'running')));
  return (result as { affectedRows?: number }).affectedRows === 1;
}

/** Running migrations whose heartbeat is older than `before`: their instance is gone. */
export async function findStaleMigrations(db: Executor, before: Date): Promise<MigrationRow[]> {
  return db.select().from(migrations).where(and(eq(migrations.status, 'running'), lt(migrations.heartbeatAt, before)));
}

/** Enters or leaves the `migrating` state; leaving touches only a server still in it. */
export async function setServerMigrating(db: Executor, serverId: number, on: boolean, now: Date): Promise<void> {
  if (on) await db.update(servers).set({ status: 'migrating', updatedAt: now }).where(eq(servers.id, serverId));
  else await db.update(servers).set({ status: null, updatedAt: now }).where(and(eq(servers.id, serverId), eq(servers.status, 'migrating')));
}

/** Servers left `migrating` without any running migration (a crash between the two writes can not happen, but a
 * hand-edited row can): cleared by the recovery. */
export async function clearOrphanedMigrating(db: Executor, now: Date): Promise<number> {
  const running = db.select({ id: migrations.serverId }).from(migrations).where(eq(migrations.status, 'running'));
  const [result] = await db.update(servers).set({ status: null, updatedAt: now })
    .where(and(eq(servers.status, 'migrating'), sql`${servers.id} NOT IN (${running})`));
  return (result as { affectedRows?: number }).affectedRows ?? 0;
}

export async function findServerById(db: Executor, id: number): Promise<ServerRow | null> {
  const [row] = await db.select().from(servers).where(eq(servers.id, id)).limit(1);
  return row ?? null;
}
