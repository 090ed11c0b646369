import { and, asc, count, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../client';
import { adminRoles, adminRoleUsers, type AdminRoleRow } from '../schema/admin';
import { users, type UserRow } from '../schema/users';

export type NewAdminRole = typeof adminRoles.$inferInsert;

export interface RoleWithCount {
  readonly role: AdminRoleRow;
  readonly holders: number;
}

export async function listAdminRoles(db: Executor): Promise<RoleWithCount[]> {
  const rows = await db.select({ role: adminRoles, holders: sql<number>`count(${adminRoleUsers.userId})` })
    .from(adminRoles).leftJoin(adminRoleUsers, eq(adminRoleUsers.roleId, adminRoles.id))
    .groupBy(adminRoles.id).orderBy(asc(adminRoles.id));
  return rows.map((r) => ({ role: r.role, holders: Number(r.holders) }));
}

export async function findAdminRole(db: Executor, id: number): Promise<AdminRoleRow | null> {
  const [row] = await db.select().from(adminRoles).where(eq(adminRoles.id, id)).limit(1);
  return row ?? null;
}

export async function findAdminRoleByName(db: Executor, name: string): Promise<AdminRoleRow | null> {
  const [row] = await db.select().from(adminRoles).where(eq(adminRoles.name, name)).limit(1);
  return row ?? null;
}

/** The role row locked for this transaction: serialises every change that could leave the role without a holder. */
export async function lockAdminRoleByName(db: Executor, name: string): Promise<AdminRoleRow | null> {
  const [row] = await db.select().from(adminRoles).where(eq(adminRoles.name, name)).limit(1).for('update');
  return row ?? null;
}

export async function insertAdminRole(db: Executor, row: NewAdminRole): Promise<AdminRoleRow> {
  const [result] = await db.insert(adminRoles).values(row);
  const found = await findAdminRole(db, result.insertId);
  if (!found) throw new Error('inserted admin role not found');
  return found;
}

export async function updateAdminRole(db: Executor, id: number, patch: Partial<NewAdminRole>): Promise<void> {
  await db.update(adminRoles).set(patch).where(eq(adminRoles.id, id));
}

export async function deleteAdminRole(db: Executor, id: number): Promise<void> {
  await db.delete(adminRoles).where(eq(adminRoles.id, id));
}

/** The roles a user holds, in id order. */
export async function rolesOfUser(db: Executor, userId: number): Promise<AdminRoleRow[]> {
  return db.select({ role: adminRoles }).from(adminRoleUsers)
    .innerJoin(adminRoles, eq(adminRoles.id, adminRoleUsers.roleId))
    .where(eq(adminRoleUsers.userId, userId)).orderBy(asc(adminRoles.id))
    .then((rows) => rows.map((r) => r.role));
}

/** Role names per user, for lists of accounts. */
export async function roleNamesOfUsers(db: Executor, userIds: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (!userIds.length) return out;
  const rows = await db.select({ userId: adminRoleUsers.userId, name: adminRoles.name }).from(adminRoleUsers)
    .innerJoin(adminRoles, eq(adminRoles.id, adminRoleUsers.roleId))
    .where(inArray(adminRoleUsers.userId, [...userIds])).orderBy(asc(adminRoles.id));
  for (const r of rows) out.set(r.userId, [...(out.get(r.userId) ?? []), r.name]);
  return out;
}

export async function setRolesOfUser(db: Executor, userId: number, roleIds: readonly number[], now: Date): Promise<void> {
  await db.delete(adminRoleUsers).where(eq(adminRoleUsers.userId, userId));
  if (roleIds.length) await db.insert(adminRoleUsers).values(roleIds.map((roleId) => ({ roleId, userId, createdAt: now })));
}

export async function holdersOfRole(db: Executor, roleId: number): Promise<UserRow[]> {
  return db.select({ user: users }).from(adminRoleUsers).innerJoin(users, eq(users.id, adminRoleUsers.userId))
    .where(eq(adminRoleUsers.roleId, roleId)).orderBy(asc(users.id)).then((rows) => rows.map((r) => r.user));
}

/**
 * Holders of the role who can act as admins (admin flag on, not suspended, not deleted), leaving out `exceptUserId`:
 * what is left if that user lost the role.
 */
export async function countActiveHolders(db: Executor, roleId: number, exceptUserId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(adminRoleUsers).innerJoin(users, eq(users.id, adminRoleUsers.userId))
    .where(and(eq(adminRoleUsers.roleId, roleId), ne(users.id, exceptUserId), eq(users.rootAdmin, true),
      eq(users.suspended, false), isNull(users.deletedAt), eq(users.status, 'active')));
  return row?.n ?? 0;
}

/** Gives a user the reserved super-admin role (operators' CLI bootstrap). */
export async function grantSuperAdmin(db: Executor, userId: number, now: Date): Promise<void> {
  const role = await findAdminRoleByName(db, 'super-admin');
  if (!role) throw new Error('the super-admin role is missing: run the migrations');
  await db.insert(adminRoleUsers).values({ roleId: role.id, userId, createdAt: now }).onDuplicateKeyUpdate({ set: { roleId: role.id } });
}
