import { bigint, boolean, datetime, index, int, json, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { servers } from './servers';
import { users } from './users';

/**
 * Backups (DESIGN §13), as Pterodactyl's `backups` table: a row is written when a backup starts (is_successful false,
 * completed_at null), and completed once by the daemon's answer. completed_at null therefore means "running"; a row
 * left running by a crash is marked failed at the next start.
 */
export const backups = mysqlTable('backups', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  uuid: varchar('uuid', { length: 36 }).notNull().unique(),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  /** Who started it (null once the user is gone); an automated backup names the policy's last saver. */
  createdBy: bigint('created_by', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'set null' }),
  name: varchar('name', { length: 191 }).notNull(),
  /** gitignore patterns, one per entry (Pterodactyl's `ignored_files`). */
  ignoredFiles: json('ignored_files').$type<string[]>().notNull(),
  /** Where the archive lives: `local` (LocalDaemon) or `wings`. */
  disk: varchar('disk', { length: 16 }).notNull().default('local'),
  /** `sha1:<hex>` once successful. */
  checksum: varchar('checksum', { length: 191 }),
  bytes: bigint('bytes', { mode: 'number', unsigned: true }).notNull().default(0),
  isSuccessful: boolean('is_successful').notNull().default(false),
  isLocked: boolean('is_locked').notNull().default(false),
  /** Set by an automated policy run (rotation only ever removes unlocked successful backups, automated or not). */
  automated: boolean('automated').notNull().default(false),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  completedAt: datetime('completed_at', { mode: 'date', fsp: 3 }),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [index('backups_server_created_idx').on(t.serverId, t.createdAt)]);

/** One automated-backup policy per server (`backup.schedule`), run by the job runner's backup-policy sweep. */
export const backupPolicies = mysqlTable('backup_policies', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  /** The policy runs with the permissions its last saver holds at run time, never more. */
  updatedBy: bigint('updated_by', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'set null' }),
  cron: varchar('cron', { length: 191 }).notNull(),
  keep: int('keep', { unsigned: true }).notNull(),
  ignored: text('ignored').notNull(),
  isActive: boolean('is_active').notNull().default(true),
  nextRunAt: datetime('next_run_at', { mode: 'date', fsp: 3 }),
  lastRunAt: datetime('last_run_at', { mode: 'date', fsp: 3 }),
  lastError: varchar('last_error', { length: 500 }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  uniqueIndex('backup_policies_server_unique').on(t.serverId),
  index('backup_policies_due_idx').on(t.isActive, t.nextRunAt),
]);

export type BackupRow = typeof backups.$inferSelect;
export type BackupPolicyRow = typeof backupPolicies.$inferSelect;
