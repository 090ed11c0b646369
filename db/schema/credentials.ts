import { bigint, datetime, index, json, mediumtext, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { users } from './users';

export const apiKeys = mysqlTable('api_keys', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** `client` (`ptlc_`, the client API) or `application` (`ptla_`, the admin API of DESIGN §21). */
  keyType: varchar('key_type', { length: 16, enum: ['client', 'application'] }).notNull().default('client'),
  /**
   * Application keys only: the admin permissions this key is limited to (null = all of its owner's). A key acts with
   * the intersection of this list and its owner's admin permissions at the moment of the call.
   */
  adminPermissions: json('admin_permissions').$type<string[]>(),
  /** The 16 characters after `ptlc_` / `ptla_`: public, used to find the key. */
  identifier: varchar('identifier', { length: 16 }).notNull().unique(),
  /** sha256 of the secret part (the secret is 32 random characters: a slow hash buys nothing). */
  tokenHash: varchar('token_hash', { length: 128 }).notNull(),
  memo: varchar('memo', { length: 500 }).notNull().default(''),
  allowedIps: json('allowed_ips').$type<string[]>().notNull(),
  lastUsedAt: datetime('last_used_at', { mode: 'date', fsp: 3 }),
  expiresAt: datetime('expires_at', { mode: 'date', fsp: 3 }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [index('api_keys_user_id_idx').on(t.userId)]);

export const recoveryCodes = mysqlTable('recovery_codes', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  codeHash: varchar('code_hash', { length: 255 }).notNull(),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [index('recovery_codes_user_id_idx').on(t.userId)]);

export const sshKeys = mysqlTable('ssh_keys', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: varchar('name', { length: 191 }).notNull(),
  /** `SHA256:` + unpadded base64, as `ssh-keygen -l` prints it. */
  fingerprint: varchar('fingerprint', { length: 64 }).notNull(),
  publicKey: text('public_key').notNull(),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [uniqueIndex('ssh_keys_user_fingerprint_unique').on(t.userId, t.fingerprint)]);

/** express-mysql-session's table, declared here so migrations own it (the store is told not to create it). */
export const sessions = mysqlTable('sessions', {
  sessionId: varchar('session_id', { length: 128 }).primaryKey(),
  expires: bigint('expires', { mode: 'number', unsigned: true }).notNull(),
  data: mediumtext('data'),
});

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type SshKeyRow = typeof sshKeys.$inferSelect;
