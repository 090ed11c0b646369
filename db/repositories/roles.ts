import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Executor } from '../client';
import { roles, type RoleRow } from '../schema/roles';
import { servers, subusers, type ServerRow, type SubuserRow } from '../schema/servers';
import { users, type UserRow } from '../schema/users';

export type NewRole = typeof roles.$inferInsert;
export type RolePatch = Partial<Pick<NewRole, 'name' | 'description' | 'permissions' | 'updatedAt'>>;

export async function insertRole(db: Executor, row: NewRole): Promise<RoleRow> {
  await db.insert(roles).values(row);
  const found = await findRoleByUuid(db, row.uuid);
  if (!found) throw new Error('inserted role not found');
  return found;
}

/** A role by uuid (callers check who may see it); `lock` takes a row lock. */
export async function findRoleByUuid(db: Executor, uuid: string, lock = false): Promise<RoleRow | null> {
  const query = db.select().from(roles).where(eq(roles.uuid, uuid)).limit(1);
  const [row] = lock ? await query.for('update') : await query;
  return row ?? null;
}

export async function findRoleById(db: Executor, id: number): Promise<RoleRow | null> {
  const [row] = await db.select().from(roles).where(eq(roles.id, id)).limit(1);
  return row ?? null;
}

/** The roles of these owners, by owner then name. */
export async function listRolesOfOwners(db: Executor, ownerIds: readonly number[]): Promise<RoleRow[]> {
  if (!ownerIds.length) return [];
  return db.select().from(roles).where(inArray(roles.ownerId, [...ownerIds])).orderBy(asc(roles.ownerId), asc(roles.name), asc(roles.id));
}

export async function updateRole(db: Executor, id: number, patch: RolePatch): Promise<void> {
  await db.update(roles).set(patch).where(eq(roles.id, id));
}

export async function deleteRoleRow(db: Executor, id: number): Promise<void> {
  await db.delete(roles).where(eq(roles.id, id));
}

/** Owners of the servers where the user's active subuser row holds one of `keys` (role pickers of managers). */
export async function ownersManagedBy(db: Executor, userId: number, keys: readonly string[]): Promise<number[]> {
  const rows = await db.select({ ownerId: servers.ownerId, permissions: subusers.permissions }).from(subusers)
    .innerJoin(servers, eq(servers.id, subusers.serverId))
    .where(and(eq(subusers.userId, userId), eq(subusers.status, 'active')));
  return [...new Set(rows.filter((r) => r.permissions.some((k) => keys.includes(k))).map((r) => r.ownerId))];
}

export interface LinkedSubuser {
  readonly subuser: SubuserRow;
  readonly user: UserRow;
  readonly server: ServerRow;
}

/** Every subuser row linked to the role, with account and server; `lock` locks the subuser rows. */
export async function listLinkedSubusers(db: Executor, roleId: number, lock = false): Promise<LinkedSubuser[]> {
  const query = db.select({ subuser: subusers, user: users, server: servers }).from(subusers)
    .innerJoin(users, eq(users.id, subusers.userId))
    .innerJoin(servers, eq(servers.id, subusers.serverId))
    .where(eq(subusers.roleId, roleId))
    .orderBy(asc(subusers.id));
  return lock ? query.for('update') : query;
}

/** The actor's own subuser rows on these servers (to judge their access on each). */
export async function membershipsOn(db: Executor, userId: number, serverIds: readonly number[]): Promise<SubuserRow[]> {
  if (!serverIds.length) return [];
  return db.select().from(subusers).where(and(eq(subusers.userId, userId), inArray(subusers.serverId, [...serverIds])));
}

export interface RoleLink {
  readonly roleId: number | null;
  readonly builtinRole: string | null;
  readonly overrides: { add: string[]; remove: string[] } | null;
  readonly permissions: string[];
}

/** Sets a subuser row's role link and materialised keys together. */
export async function setSubuserRoleLink(db: Executor, serverId: number, id: number, link: RoleLink, now: Date): Promise<void> {
  await db.update(subusers).set({ ...link, updatedAt: now }).where(and(eq(subusers.serverId, serverId), eq(subusers.id, id)));
}

/**
 * Unlinks a server's subusers from owner-defined roles, keeping their keys: after an ownership transfer the old
 * owner's roles no longer apply there (built-in roles belong to nobody and stay linked).
 */
export async function unlinkOwnedRolesOnServer(db: Executor, serverId: number, now: Date): Promise<void> {
  await db.update(subusers).set({ roleId: null, overrides: null, updatedAt: now })
    .where(and(eq(subusers.serverId, serverId), isNotNull(subusers.roleId)));
}

export async function findRolesByIds(db: Executor, ids: readonly number[]): Promise<RoleRow[]> {
  if (!ids.length) return [];
  return db.select().from(roles).where(inArray(roles.id, [...new Set(ids)]));
}
