import { and, asc, count, desc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { backupPolicies, backups, type BackupPolicyRow, type BackupRow } from '../schema/backups';
import { servers, type ServerRow } from '../schema/servers';

export type NewBackup = typeof backups.$inferInsert;

/** Non-failed = successful, or still running (completed_at null): what Pterodactyl counts against the limit. */
const nonFailed = or(eq(backups.isSuccessful, true), isNull(backups.completedAt));

export async function insertBackup(db: Executor, row: NewBackup): Promise<BackupRow> {
  await db.insert(backups).values(row);
  const found = await findBackupByUuid(db, row.uuid);
  if (!found) throw new Error('inserted backup not found');
  return found;
}

export async function findBackupByUuid(db: Executor, uuid: string): Promise<BackupRow | null> {
  const [row] = await db.select().from(backups).where(eq(backups.uuid, uuid)).limit(1);
  return row ?? null;
}

/** A backup of this server (scoped: another server's uuid is not found). */
export async function findServerBackup(db: Executor, serverId: number, uuid: string, opts: { lock?: boolean } = {}): Promise<BackupRow | null> {
  const q = db.select().from(backups).where(and(eq(backups.serverId, serverId), eq(backups.uuid, uuid))).limit(1);
  const [row] = opts.lock ? await q.for('update') : await q;
  return row ?? null;
}

export async function listServerBackups(db: Executor, serverId: number, page: number, perPage: number): Promise<{ rows: BackupRow[]; total: number }> {
  const rows = await db.select().from(backups).where(eq(backups.serverId, serverId))
    .orderBy(desc(backups.createdAt), desc(backups.id)).limit(perPage).offset((page - 1) * perPage);
  const [total] = await db.select({ n: count() }).from(backups).where(eq(backups.serverId, serverId));
  return { rows, total: total?.n ?? 0 };
}

export async function countNonFailedBackups(db: Executor, serverId: number, opts: { automatedOnly?: boolean } = {}): Promise<number> {
  const [row] = await db.select({ n: count() }).from(backups)
    .where(and(eq(backups.serverId, serverId), nonFailed, opts.automatedOnly ? eq(backups.automated, true) : undefined));
  return row?.n ? Number(row.n) : 0;
}

/** The oldest successful unlocked backup (automated ones only, when asked): the one rotation removes. */
export async function oldestRotatableBackup(db: Executor, serverId: number, opts: { automatedOnly: boolean }): Promise<BackupRow | null> {
  const [row] = await db.select().from(backups)
    .where(and(eq(backups.serverId, serverId), eq(backups.isSuccessful, true), eq(backups.isLocked, false),
      opts.automatedOnly ? eq(backups.automated, true) : undefined))
    .orderBy(asc(backups.createdAt), asc(backups.id)).limit(1);
  return row ?? null;
}

export async function completeBackup(
  db: Executor, id: number, result: { isSuccessful: boolean; checksum: string | null; bytes: number }, now: Date,
): Promise<void> {
  await db.update(backups).set({ ...result, completedAt: now, updatedAt: now }).where(and(eq(backups.id, id), isNull(backups.completedAt)));
}

export async function setBackupLocked(db: Executor, id: number, isLocked: boolean, now: Date): Promise<void> {
  await db.update(backups).set({ isLocked, updatedAt: now }).where(eq(backups.id, id));
}

export async function deleteBackupRow(db: Executor, id: number): Promise<void> {
  await db.delete(backups).where(eq(backups.id, id));
}

/** Backups left running (by a crash), with their servers, locked for the recovery transaction. */
export async function runningBackups(db: Executor): Promise<Array<{ backup: BackupRow; server: ServerRow }>> {
  return db.select({ backup: backups, server: servers }).from(backups)
    .innerJoin(servers, eq(servers.id, backups.serverId))
    .where(isNull(backups.completedAt)).for('update');
}

export async function findServerById(db: Executor, id: number): Promise<ServerRow | null> {
  const [row] = await db.select().from(servers).where(eq(servers.id, id)).limit(1);
  return row ?? null;
}

export async function serversInStatus(db: Executor, status: NonNullable<ServerRow['status']>): Promise<ServerRow[]> {
  return db.select().from(servers).where(eq(servers.status, status)).for('update');
}

/** Sets the server's status; with `from`, only when it still is that (a recovery never clears another state). */
export async function setServerStatus(db: Executor, serverId: number, status: ServerRow['status'], now: Date, from?: NonNullable<ServerRow['status']>): Promise<void> {
  await db.update(servers).set({ status, updatedAt: now })
    .where(and(eq(servers.id, serverId), from ? eq(servers.status, from) : undefined));
}

// Policies

export type NewBackupPolicy = typeof backupPolicies.$inferInsert;

export async function findBackupPolicy(db: Executor, serverId: number): Promise<BackupPolicyRow | null> {
  const [row] = await db.select().from(backupPolicies).where(eq(backupPolicies.serverId, serverId)).limit(1);
  return row ?? null;
}

export async function upsertBackupPolicy(db: Executor, row: NewBackupPolicy): Promise<void> {
  const { serverId: _s, createdAt: _c, ...changes } = row;
  await db.insert(backupPolicies).values(row).onDuplicateKeyUpdate({ set: changes });
}

/** Due active policies, locked for this transaction: another instance's claim skips them (SKIP LOCKED). */
export async function claimDuePolicies(db: Executor, now: Date, limit: number): Promise<BackupPolicyRow[]> {
  return db.select().from(backupPolicies)
    .where(and(eq(backupPolicies.isActive, true), lte(backupPolicies.nextRunAt, now)))
    .orderBy(asc(backupPolicies.nextRunAt)).limit(limit)
    .for('update', { skipLocked: true });
}

export async function markPolicyRun(db: Executor, id: number, values: { nextRunAt: Date | null; lastRunAt: Date; lastError: string | null }): Promise<void> {
  await db.update(backupPolicies).set({ ...values, updatedAt: sql`updated_at` }).where(eq(backupPolicies.id, id));
}

export async function setPolicyError(db: Executor, id: number, lastError: string): Promise<void> {
  await db.update(backupPolicies).set({ lastError: lastError.slice(0, 500), updatedAt: sql`updated_at` }).where(eq(backupPolicies.id, id));
}
