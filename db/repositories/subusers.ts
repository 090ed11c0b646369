import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { servers, subusers, type ServerRow, type SubuserRow } from '../schema/servers';
import { users, type UserRow } from '../schema/users';

export type NewSubuser = typeof subusers.$inferInsert;
export interface SubuserWithUser {
  readonly subuser: SubuserRow;
  readonly user: UserRow;
}

/** True when `err` (or its cause, as drizzle wraps driver errors) is MariaDB's duplicate-key error. */
export function isDuplicateEntry(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === 'ER_DUP_ENTRY') return true;
    e = typeof e === 'object' && 'cause' in e ? (e as { cause: unknown }).cause : null;
  }
  return false;
}

export async function insertSubuser(db: Executor, row: NewSubuser): Promise<SubuserRow> {
  await db.insert(subusers).values(row);
  const found = await findSubuser(db, row.serverId, row.userId);
  if (!found) throw new Error('inserted subuser not found');
  return found;
}

/** Always scoped by server: a subuser row is only ever looked up within its server. */
export async function findSubuser(db: Executor, serverId: number, userId: number): Promise<SubuserRow | null> {
  const [row] = await db.select().from(subusers).where(and(eq(subusers.serverId, serverId), eq(subusers.userId, userId))).limit(1);
  return row ?? null;
}

/** Every subuser of a server (invited rows included) with its account, oldest first. */
export async function listSubusersWithUsers(db: Executor, serverId: number): Promise<SubuserWithUser[]> {
  return db.select({ subuser: subusers, user: users }).from(subusers)
    .innerJoin(users, eq(users.id, subusers.userId))
    .where(eq(subusers.serverId, serverId))
    .orderBy(asc(subusers.createdAt), asc(subusers.id));
}

/** One subuser of a server by the account's uuid; `lock` takes a row lock (call inside a transaction). */
export async function findSubuserByUserUuid(db: Executor, serverId: number, userUuid: string, lock = false): Promise<SubuserWithUser | null> {
  const query = db.select({ subuser: subusers, user: users }).from(subusers)
    .innerJoin(users, eq(users.id, subusers.userId))
    .where(and(eq(subusers.serverId, serverId), eq(users.uuid, userUuid)))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

export async function deleteSubuserRow(db: Executor, serverId: number, id: number): Promise<void> {
  await db.delete(subusers).where(and(eq(subusers.serverId, serverId), eq(subusers.id, id)));
}

/** Replaces the invite token of an invited row (the old hash no longer matches anything). */
export async function setInviteToken(db: Executor, serverId: number, id: number, tokenHash: string, expiresAt: Date, now: Date): Promise<void> {
  await db.update(subusers).set({ inviteTokenHash: tokenHash, inviteExpiresAt: expiresAt, updatedAt: now })
    .where(and(eq(subusers.serverId, serverId), eq(subusers.id, id), eq(subusers.status, 'invited')));
}

export interface InviteRow {
  readonly subuser: SubuserRow;
  readonly user: UserRow;
  readonly server: ServerRow;
}

/** The invited row holding this token hash, with its account and server; `lock` takes a row lock. */
export async function findInviteByTokenHash(db: Executor, tokenHash: string, lock = false): Promise<InviteRow | null> {
  const query = db.select({ subuser: subusers, user: users, server: servers }).from(subusers)
    .innerJoin(users, eq(users.id, subusers.userId))
    .innerJoin(servers, eq(servers.id, subusers.serverId))
    .where(and(eq(subusers.inviteTokenHash, tokenHash), eq(subusers.status, 'invited')))
    .limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

/** Every membership of an account still awaiting acceptance, with its server. */
export async function listInvitedMemberships(db: Executor, userId: number): Promise<Array<{ subuser: SubuserRow; server: ServerRow }>> {
  return db.select({ subuser: subusers, server: servers }).from(subusers)
    .innerJoin(servers, eq(servers.id, subusers.serverId))
    .where(and(eq(subusers.userId, userId), eq(subusers.status, 'invited')));
}

/** Turns every invited membership of the account active and forgets their tokens. */
export async function activateInvitedMemberships(db: Executor, userId: number, now: Date): Promise<void> {
  await db.update(subusers).set({ status: 'active', inviteTokenHash: null, inviteExpiresAt: null, updatedAt: now })
    .where(and(eq(subusers.userId, userId), eq(subusers.status, 'invited')));
}

/** How many servers the account belongs to, other than `exceptServerId`. */
export async function countOtherMemberships(db: Executor, userId: number, exceptServerId: number): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(subusers)
    .where(and(eq(subusers.userId, userId), ne(subusers.serverId, exceptServerId)));
  return Number(row?.n ?? 0);
}

/**
 * A bulk invite (DESIGN §20) mails one link for several memberships; the link lives on one of them. When that row
 * goes before acceptance, the link moves to another invited row of the account so the other servers keep it.
 */
export async function handOverInviteToken(db: Executor, userId: number, tokenHash: string, expiresAt: Date | null, now: Date): Promise<void> {
  const rows = await db.select({ id: subusers.id, hash: subusers.inviteTokenHash }).from(subusers)
    .where(and(eq(subusers.userId, userId), eq(subusers.status, 'invited'))).orderBy(asc(subusers.id));
  // Another invite of the account holds its own link: that one stays the account's live link.
  if (rows.some((r) => r.hash !== null)) return;
  const next = rows[0];
  if (next) await db.update(subusers).set({ inviteTokenHash: tokenHash, inviteExpiresAt: expiresAt, updatedAt: now }).where(eq(subusers.id, next.id));
}

/** Before a resend: every other link of the account dies, and its other invited rows share the new expiry. */
export async function retireInviteTokens(db: Executor, userId: number, exceptId: number, expiresAt: Date, now: Date): Promise<void> {
  await db.update(subusers).set({ inviteTokenHash: null, inviteExpiresAt: expiresAt, updatedAt: now })
    .where(and(eq(subusers.userId, userId), eq(subusers.status, 'invited'), ne(subusers.id, exceptId)));
}

/** Sets (or lifts, with null) a subuser row's path scope (DESIGN §20). */
export async function setSubuserFileScope(db: Executor, serverId: number, id: number, fileScope: { paths: string[] } | null, now: Date): Promise<void> {
  await db.update(subusers).set({ fileScope, updatedAt: now }).where(and(eq(subusers.serverId, serverId), eq(subusers.id, id)));
}
