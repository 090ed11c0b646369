import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Executor } from '../client';
import { mailBlasts, mailRecipients, type MailBlastRow, type MailRecipientRow, type RecipientStatus } from '../schema/mail';
import { users } from '../schema/users';
import { audienceWhere, type AudienceFilter } from './mail-audience';

export type NewBlast = typeof mailBlasts.$inferInsert;
export type BlastPatch = Partial<Omit<NewBlast, 'id' | 'uuid' | 'createdAt'>>;

export async function insertBlast(db: Executor, row: NewBlast): Promise<number> {
  const [result] = await db.insert(mailBlasts).values(row);
  return result.insertId;
}

/** Fixes a blast's audience: one pending row per matching user (INSERT … SELECT). Returns how many. */
export async function insertRecipients(db: Executor, blastId: number, filter: AudienceFilter): Promise<number> {
  const [result] = await db.insert(mailRecipients).select(
    db.select({
      id: sql<number>`NULL`.as('id'), blastId: sql<number>`${blastId}`.as('blast_id'), userId: users.id, email: users.email,
      status: sql<RecipientStatus>`'pending'`.as('status'), error: sql<null>`NULL`.as('error'),
      claimedAt: sql<null>`NULL`.as('claimed_at'), sentAt: sql<null>`NULL`.as('sent_at'),
    }).from(users).where(audienceWhere(db, filter)).orderBy(asc(users.id)),
  );
  return result.affectedRows;
}

export async function updateBlast(db: Executor, id: number, patch: BlastPatch): Promise<void> {
  await db.update(mailBlasts).set(patch).where(eq(mailBlasts.id, id));
}

export async function findBlastById(db: Executor, id: number): Promise<MailBlastRow | null> {
  const [row] = await db.select().from(mailBlasts).where(eq(mailBlasts.id, id)).limit(1);
  return row ?? null;
}

export async function findBlastByUuid(db: Executor, uuid: string): Promise<MailBlastRow | null> {
  const [row] = await db.select().from(mailBlasts).where(eq(mailBlasts.uuid, uuid)).limit(1);
  return row ?? null;
}

export type BlastProgress = Record<RecipientStatus, number>;

/** Recipients of each blast by status. */
export async function blastProgress(db: Executor, blastIds: number[]): Promise<Map<number, BlastProgress>> {
  const out = new Map<number, BlastProgress>(blastIds.map((id) => [id, { pending: 0, sending: 0, sent: 0, failed: 0 }]));
  if (!blastIds.length) return out;
  const rows = await db.select({ blastId: mailRecipients.blastId, status: mailRecipients.status, n: sql<number>`count(*)` })
    .from(mailRecipients).where(inArray(mailRecipients.blastId, blastIds)).groupBy(mailRecipients.blastId, mailRecipients.status);
  for (const r of rows) {
    const p = out.get(r.blastId);
    if (p) p[r.status] = Number(r.n);
  }
  return out;
}

/** The newest blasts first. */
export async function listBlasts(db: Executor, limit: number): Promise<MailBlastRow[]> {
  return db.select().from(mailBlasts).orderBy(desc(mailBlasts.id)).limit(limit);
}

/**
 * Claims the blast's next pending recipient (`pending` → `sending`), in its own committed transaction, so the claim
 * holds before SMTP sees the message: a crash after this point leaves the row `sending`, never `pending` again.
 */
export async function claimNextRecipient(db: Database, blastId: number, now: Date): Promise<MailRecipientRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(mailRecipients)
      .where(and(eq(mailRecipients.blastId, blastId), eq(mailRecipients.status, 'pending')))
      .orderBy(asc(mailRecipients.id)).limit(1).for('update', { skipLocked: true });
    if (!row) return null;
    await tx.update(mailRecipients).set({ status: 'sending', claimedAt: now }).where(eq(mailRecipients.id, row.id));
    return { ...row, status: 'sending' as const, claimedAt: now };
  });
}

/** Records how a claimed recipient's message went (only while the claim still holds it). */
export async function finishRecipient(db: Executor, id: number, status: 'sent' | 'failed', at: Date, error: string | null): Promise<boolean> {
  const [result] = await db.update(mailRecipients).set({ status, error, sentAt: status === 'sent' ? at : null })
    .where(and(eq(mailRecipients.id, id), eq(mailRecipients.status, 'sending')));
  return result.affectedRows === 1;
}

/** Recipients a previous run claimed and never finished (its panel stopped mid-send). */
export async function listInterrupted(db: Executor, blastId: number): Promise<MailRecipientRow[]> {
  return db.select().from(mailRecipients).where(and(eq(mailRecipients.blastId, blastId), eq(mailRecipients.status, 'sending')));
}

export async function listRecipients(db: Executor, blastId: number): Promise<MailRecipientRow[]> {
  return db.select().from(mailRecipients).where(eq(mailRecipients.blastId, blastId)).orderBy(asc(mailRecipients.id));
}

export async function blastUuids(db: Executor, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: mailBlasts.id, uuid: mailBlasts.uuid }).from(mailBlasts).where(inArray(mailBlasts.id, ids));
  return new Map(rows.map((r) => [r.id, r.uuid]));
}
