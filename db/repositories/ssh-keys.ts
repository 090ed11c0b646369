import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { sshKeys, type SshKeyRow } from '../schema/credentials';

export async function listSshKeys(db: Executor, userId: number): Promise<SshKeyRow[]> {
  return db.select().from(sshKeys).where(eq(sshKeys.userId, userId)).orderBy(asc(sshKeys.id));
}

export async function findSshKey(db: Executor, userId: number, fingerprint: string): Promise<SshKeyRow | null> {
  const [row] = await db.select().from(sshKeys)
    .where(and(eq(sshKeys.userId, userId), eq(sshKeys.fingerprint, fingerprint))).limit(1);
  return row ?? null;
}

export async function insertSshKey(db: Executor, row: typeof sshKeys.$inferInsert): Promise<SshKeyRow> {
  await db.insert(sshKeys).values(row);
  const found = await findSshKey(db, row.userId, row.fingerprint);
  if (!found) throw new Error('inserted ssh key not found');
  return found;
}

export async function deleteSshKey(db: Executor, userId: number, fingerprint: string): Promise<boolean> {
  const [result] = await db.delete(sshKeys).where(and(eq(sshKeys.userId, userId), eq(sshKeys.fingerprint, fingerprint)));
  return result.affectedRows === 1;
}
