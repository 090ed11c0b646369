import { bigint, boolean, datetime, index, int, json, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { roles } from './roles';
import { users } from './users';

/** Every value of `servers.status` (null = ready). */
export const SERVER_STATUSES = ['installing', 'install_failed', 'reinstall_failed', 'restoring_backup', 'migrating'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];
/** States during which the server's client routes answer 409 (but reads of its own status). */
export const SERVER_TRANSIENT_STATES: readonly ServerStatus[] = ['installing', 'restoring_backup', 'migrating'];

/** A Wings node (or this host). Servers without a node run on the LocalDaemon. */
export const nodes = mysqlTable('nodes', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  uuid: varchar('uuid', { length: 36 }).notNull().unique(),
  name: varchar('name', { length: 191 }).notNull(),
  url: varchar('url', { length: 255 }).notNull(),
  tokenId: varchar('token_id', { length: 16 }).notNull().unique(),
  /** sha256 of the node's secret token (checks the `Bearer {token_id}.{token}` of Wings' calls to the remote API). */
  tokenHash: varchar('token_hash', { length: 128 }).notNull(),
  /**
   * The secret token itself, AES-256-GCM encrypted with a key derived from APP_KEY: the panel needs it to call the
   * node (`Authorization: Bearer <token>`) and to sign its JWTs (DESIGN §19). Null for nodes registered before.
   */
  tokenEncrypted: text('token_encrypted'),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
});

export const servers = mysqlTable('servers', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  uuid: varchar('uuid', { length: 36 }).notNull().unique(),
  /** The 8-character short id (the first block of the uuid), as Pterodactyl's `identifier`. */
  identifier: varchar('identifier', { length: 8 }).notNull().unique(),
  name: varchar('name', { length: 191 }).notNull(),
  description: text('description'),
  ownerId: bigint('owner_id', { mode: 'number', unsigned: true }).notNull().references(() => users.id),
  nodeId: bigint('node_id', { mode: 'number', unsigned: true }).references(() => nodes.id),
  startupCommand: text('startup_command').notNull(),
  suspended: boolean('suspended').notNull().default(false),
  /**
   * Pterodactyl's `status`: null when ready. The transient states (SERVER_TRANSIENT_STATES) answer 409 to the
   * server's client routes but reads of its own status (DESIGN §12).
   */
  status: varchar('status', { length: 32, enum: SERVER_STATUSES }),
  /** Per-server feature limits (DESIGN §12): NULL = unlimited, 0 = feature disabled. */
  backupLimit: int('backup_limit', { unsigned: true }),
  databaseLimit: int('database_limit', { unsigned: true }),
  allocationLimit: int('allocation_limit', { unsigned: true }),
  scheduleLimit: int('schedule_limit', { unsigned: true }),
  proxyLimit: int('proxy_limit', { unsigned: true }),
  /** Resource limits in MiB as Pterodactyl's build (`memory`, `disk`): NULL or 0 = unlimited; read by health (§18). */
  memory: int('memory', { unsigned: true }),
  disk: int('disk', { unsigned: true }),
  /** The owner requires two-factor authentication of the server's subusers (DESIGN §22). */
  requireTwoFactor: boolean('require_two_factor').notNull().default(false),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [index('servers_owner_id_idx').on(t.ownerId)]);

export const subusers = mysqlTable('subusers', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull().references(() => users.id, { onDelete: 'cascade' }),
  /** Always the explicit list of keys (never wildcards); `websocket.connect` always included. */
  permissions: json('permissions').$type<string[]>().notNull(),
  status: varchar('status', { length: 16, enum: ['active', 'invited'] }).notNull().default('active'),
  /** sha256 of the single-use invite token; null once accepted or for direct adds. */
  inviteTokenHash: varchar('invite_token_hash', { length: 128 }).unique(),
  inviteExpiresAt: datetime('invite_expires_at', { mode: 'date', fsp: 3 }),
  /**
   * The role the row is live-linked to (DESIGN §20): an owner-defined role, or a built-in one by name. Both null =
   * explicit keys. Deleting a role leaves its subusers with the keys they had, unlinked.
   */
  roleId: bigint('role_id', { mode: 'number', unsigned: true }).references(() => roles.id, { onDelete: 'set null' }),
  builtinRole: varchar('builtin_role', { length: 32 }),
  /** Per-server overrides on top of the role: keys added and removed (null without a role). */
  overrides: json('overrides').$type<{ add: string[]; remove: string[] }>(),
  /** Path globs the row's file keys are limited to (DESIGN §20); null = the whole tree. */
  fileScope: json('file_scope').$type<{ paths: string[] }>(),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  uniqueIndex('subusers_server_user_unique').on(t.serverId, t.userId),
  index('subusers_user_id_idx').on(t.userId),
  index('subusers_role_id_idx').on(t.roleId),
]);

export type ServerRow = typeof servers.$inferSelect;
export type SubuserRow = typeof subusers.$inferSelect;
export type NodeRow = typeof nodes.$inferSelect;
