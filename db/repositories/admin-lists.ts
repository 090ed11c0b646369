import { asc, count, desc, eq, inArray, like, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../client';
import { sshKeys, type SshKeyRow } from '../schema/credentials';
import { jobs, type JobRow } from '../schema/jobs';
import { users } from '../schema/users';

export interface SshKeyWithOwner {
  readonly key: SshKeyRow;
  readonly owner: { id: number; uuid: string; email: string; username: string | null };
  /** How many keys (any owner) share this fingerprint. */
  readonly copies: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Every SSH key with its owner, grouped by fingerprint (duplicates sit together), optionally searched. */
export async function listAllSshKeys(db: Executor, search: string | undefined, page: { limit: number; offset: number }): Promise<{ rows: SshKeyWithOwner[]; total: number }> {
  const w: SQL | undefined = search
    ? or(like(sshKeys.fingerprint, `%${escapeLike(search)}%`), like(users.email, `%${escapeLike(search)}%`), like(sshKeys.name, `%${escapeLike(search)}%`))
    : undefined;
  const [n] = await db.select({ n: count() }).from(sshKeys).innerJoin(users, eq(users.id, sshKeys.userId)).where(w);
  const rows = await db.select({ key: sshKeys, owner: { id: users.id, uuid: users.uuid, email: users.email, username: users.username } })
    .from(sshKeys).innerJoin(users, eq(users.id, sshKeys.userId)).where(w)
    .orderBy(asc(sshKeys.fingerprint), asc(sshKeys.id)).limit(page.limit).offset(page.offset);
  const fps = [...new Set(rows.map((r) => r.key.fingerprint))];
  const counts = fps.length
    ? await db.select({ fp: sshKeys.fingerprint, n: count() }).from(sshKeys).where(inArray(sshKeys.fingerprint, fps)).groupBy(sshKeys.fingerprint)
    : [];
  const byFp = new Map(counts.map((c) => [c.fp, c.n]));
  return { rows: rows.map((r) => ({ ...r, copies: byFp.get(r.key.fingerprint) ?? 1 })), total: n?.n ?? 0 };
}

export async function findSshKeyById(db: Executor, id: number): Promise<SshKeyRow | null> {
  const [row] = await db.select().from(sshKeys).where(eq(sshKeys.id, id)).limit(1);
  return row ?? null;
}

export async function deleteSshKeyById(db: Executor, id: number): Promise<void> {
  await db.delete(sshKeys).where(eq(sshKeys.id, id));
}

/** The runner's jobs, newest first (the Tasks page), optionally of some kinds. */
export async function listRecentJobs(db: Executor, kinds: readonly string[] | undefined, page: { limit: number; offset: number }): Promise<{ rows: JobRow[]; total: number }> {
  const w = kinds?.length ? inArray(jobs.kind, [...kinds]) : undefined;
  const [n] = await db.select({ n: count() }).from(jobs).where(w);
  const rows = await db.select().from(jobs).where(w).orderBy(desc(jobs.id)).limit(page.limit).offset(page.offset);
  return { rows, total: n?.n ?? 0 };
}
