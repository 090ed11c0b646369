import type { Executor } from '@db/client';
import { findAdminRoleByName, insertAdminRole, setRolesOfUser } from '@db/repositories/admin-roles';
import type { UserRow } from '@db/schema/users';

/** Gives `user` the reserved super-admin role, or a fresh admin role with exactly `permissions` (DESIGN §21). */
export async function giveAdminRole(db: Executor, user: UserRow, permissions: string[] | 'super' = 'super'): Promise<UserRow> {
  const now = new Date();
  const role = permissions === 'super'
    ? await findAdminRoleByName(db, 'super-admin')
    : await insertAdminRole(db, { name: `r-${user.uuid.slice(0, 12)}`, permissions, createdAt: now, updatedAt: now });
  if (!role) throw new Error('super-admin role missing');
  await setRolesOfUser(db, user.id, [role.id], now);
  return user;
}
