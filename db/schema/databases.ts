import { bigint, boolean, datetime, index, int, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { nodes, servers } from './servers';

/**
 * A MariaDB/MySQL server on which Cohost creates databases for game servers (DESIGN §15). Registered by admins
 * (`database-host:create`), or by the panel itself for the private MariaDB of `npm start` (`managed`).
 */
export const databaseHosts = mysqlTable('database_hosts', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  name: varchar('name', { length: 191 }).notNull().unique(),
  /** The address game servers (and the panel) connect to. */
  host: varchar('host', { length: 255 }).notNull(),
  port: int('port', { unsigned: true }).notNull(),
  username: varchar('username', { length: 80 }).notNull(),
  /** The admin password sealed with APP_KEY (`sealSecret(appKey, 'database-host', …)`). */
  password: text('password').notNull(),
  /** NULL = no limit on how many databases this host takes. */
  maxDatabases: int('max_databases', { unsigned: true }),
  /** NULL = serves servers of every node (and the LocalDaemon's servers). */
  nodeId: bigint('node_id', { mode: 'number', unsigned: true }).references(() => nodes.id, { onDelete: 'set null' }),
  /** True for the private MariaDB registered by the panel at boot: its port is refreshed at every start. */
  managed: boolean('managed').notNull().default(false),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
});

/** A database created on a host for one server: `s{server_id}_{name}` with its own user `u{server_id}_{random}`. */
export const serverDatabases = mysqlTable('server_databases', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  /** The public id of the API (Pterodactyl's hashid): 8 random base62 characters. */
  identifier: varchar('identifier', { length: 16 }).notNull().unique(),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  hostId: bigint('database_host_id', { mode: 'number', unsigned: true }).notNull().references(() => databaseHosts.id),
  /** The full name on the host (`s{server_id}_{name}`). */
  database: varchar('database', { length: 64 }).notNull(),
  username: varchar('username', { length: 32 }).notNull(),
  /** The host part of the user (`connections_from`). */
  remote: varchar('remote', { length: 255 }).notNull().default('%'),
  /** The user's password sealed with APP_KEY (`sealSecret(appKey, 'server-database', …)`). */
  password: text('password').notNull(),
  /** MAX_USER_CONNECTIONS; 0 = unlimited. */
  maxConnections: int('max_connections', { unsigned: true }).notNull().default(0),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  uniqueIndex('server_databases_host_database_unique').on(t.hostId, t.database),
  uniqueIndex('server_databases_host_username_unique').on(t.hostId, t.username),
  index('server_databases_server_id_idx').on(t.serverId),
]);

export type DatabaseHostRow = typeof databaseHosts.$inferSelect;
export type ServerDatabaseRow = typeof serverDatabases.$inferSelect;
