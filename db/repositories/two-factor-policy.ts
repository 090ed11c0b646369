import { eq } from 'drizzle-orm';
import type { Executor } from '../client';
import { servers, subusers } from '../schema/servers';
import { users } from '../schema/users';

/** The uuids of every user with a subuser row on the server (whom a server's 2FA policy applies to). */
export async function listSubuserUuids(db: Executor, serverId: number): Promise<string[]> {
  const rows = await db.select({ uuid: users.uuid }).from(subusers)
    .innerJoin(users, eq(users.id, subusers.userId))
    .where(eq(subusers.serverId, serverId));
  return rows.map((r) => r.uuid);
}

export async function setServerRequireTwoFactor(db: Executor, serverId: number, enabled: boolean, now: Date): Promise<void> {
  await db.update(servers).set({ requireTwoFactor: enabled, updatedAt: now }).where(eq(servers.id, serverId));
}

export async function setUserRequireTwoFactor(db: Executor, userId: number, enabled: boolean, now: Date): Promise<void> {
  await db.update(users).set({ requireTwoFactor: enabled, updatedAt: now }).where(eq(users.id, userId));
}
