import { bigint, boolean, datetime, index, json, mysqlTable, primaryKey, varchar } from 'drizzle-orm/mysql-core';
import { users } from './users';

/**
 * Admin roles (DESIGN §21): a name and a list of admin permission grants (contracts/admin-permissions.ts). The
 * reserved `super-admin` role holds `*` and can never be deleted or edited.
 */
export const adminRoles = mysqlTable('admin_roles', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  name: varchar('name', { length: 64 }).notNull().unique(),
  description: varchar('description', { length: 500 }).notNull().default(''),
  permissions: json('permissions').$type<string[]>().notNull(),
  reserved: boolean('reserved').notNull().default(false),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
});

/** Which staff admin holds which role: effective admin permissions are the union of a holder's roles. */
export const adminRoleUsers = mysqlTable('admin_role_users', {
  roleId: bigint('role_id', { mode: 'number', unsigned: true }).notNull().references(() => adminRoles.id, { onDelete: 'cascade' }),
  userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [primaryKey({ columns: [t.roleId, t.userId] }), index('admin_role_users_user_idx').on(t.userId)]);

export type AdminRoleRow = typeof adminRoles.$inferSelect;
