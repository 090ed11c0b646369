import { bigint, datetime, json, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { users } from './users';

/**
 * Owner-defined roles (DESIGN §20): a named list of keys an owner assigns to subusers on any of their servers.
 * Subuser rows linked to a role keep their materialised keys in `subusers.permissions`, re-applied whenever the role
 * changes, so every guard (HTTP, sockets, SFTP) keeps reading one column.
 */
export const roles = mysqlTable('roles', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  uuid: varchar('uuid', { length: 36 }).notNull().unique(),
  ownerId: bigint('owner_id', { mode: 'number', unsigned: true }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: varchar('name', { length: 191 }).notNull(),
  description: text('description'),
  /** The explicit list of keys, in catalogue order, without `websocket.connect`. */
  permissions: json('permissions').$type<string[]>().notNull(),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  // Also serves lookups by owner (its leftmost column).
  uniqueIndex('roles_owner_name_unique').on(t.ownerId, t.name),
]);

export type RoleRow = typeof roles.$inferSelect;
