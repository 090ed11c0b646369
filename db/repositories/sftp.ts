import { and, desc, eq, gte } from 'drizzle-orm';
import type { Executor } from '../client';
import { activityLogs, type ActivityRow } from '../schema/activity';
import { sshKeys } from '../schema/credentials';
import { users, type UserRow } from '../schema/users';

/** SFTP logins name the account by its exact username (never the email). */
export async function findUserByUsername(db: Executor, username: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  return row ?? null;
}

export async function listPublicKeysOfUser(db: Executor, userId: number): Promise<string[]> {
  const rows = await db.select({ publicKey: sshKeys.publicKey }).from(sshKeys).where(eq(sshKeys.userId, userId));
  return rows.map((r) => r.publicKey);
}

/** The newest row of this event by this actor on this server since `since`, to merge a burst of SFTP events into. */
export async function findRecentActivity(
  db: Executor, where: { event: string; actorId: number; serverId: number; since: Date },
): Promise<ActivityRow | null> {
  const [row] = await db.select().from(activityLogs)
    .where(and(eq(activityLogs.event, where.event), eq(activityLogs.actorId, where.actorId), eq(activityLogs.serverId, where.serverId), gte(activityLogs.timestamp, where.since)))
    .orderBy(desc(activityLogs.id)).limit(1);
  return row ?? null;
}

export async function updateActivityProperties(db: Executor, id: number, properties: Record<string, unknown>): Promise<void> {
  await db.update(activityLogs).set({ properties }).where(eq(activityLogs.id, id));
}
