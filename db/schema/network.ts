import { sql } from 'drizzle-orm';
import { bigint, boolean, datetime, index, int, mysqlTable, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { nodes, servers } from './servers';

/**
 * A node's IP + port, added by admins (DESIGN §17). `node_id` NULL is this host (the LocalDaemon). A row belongs to
 * at most one server (`server_id`); `primary_server_id` is set on the one row that is its server's primary, so the
 * unique index makes "one primary per server" a database fact rather than a convention.
 */
export const allocations = mysqlTable('allocations', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  nodeId: bigint('node_id', { mode: 'number', unsigned: true }).references(() => nodes.id, { onDelete: 'cascade' }),
  /** `node_id` with this host as 0: the unique index below needs a non-null column (NULLs never collide). */
  nodeKey: bigint('node_key', { mode: 'number', unsigned: true }).generatedAlwaysAs(sql`ifnull(\`node_id\`, 0)`, { mode: 'stored' }),
  ip: varchar('ip', { length: 45 }).notNull(),
  ipAlias: varchar('ip_alias', { length: 255 }),
  port: int('port', { unsigned: true }).notNull(),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).references(() => servers.id, { onDelete: 'set null' }),
  primaryServerId: bigint('primary_server_id', { mode: 'number', unsigned: true }).references(() => servers.id, { onDelete: 'set null' }),
  notes: varchar('notes', { length: 256 }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  uniqueIndex('allocations_node_ip_port_unique').on(t.nodeKey, t.ip, t.port),
  uniqueIndex('allocations_primary_server_unique').on(t.primaryServerId),
  index('allocations_server_id_idx').on(t.serverId),
]);

/** A host name served by Cohost's reverse proxy, forwarded to one of its server's own allocations. */
export const proxyRoutes = mysqlTable('proxy_routes', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  allocationId: bigint('allocation_id', { mode: 'number', unsigned: true }).notNull().references(() => allocations.id),
  /** Lower-case host name, unique panel-wide. */
  domain: varchar('domain', { length: 253 }).notNull().unique(),
  /** Only requests under this path are forwarded ('/' = all). */
  pathPrefix: varchar('path_prefix', { length: 255 }).notNull().default('/'),
  websocket: boolean('websocket').notNull().default(false),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [index('proxy_routes_server_id_idx').on(t.serverId)]);

/** An admin-made private network on a node; its members reach each other on their primary allocations. */
export const privateNetworks = mysqlTable('private_networks', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  nodeId: bigint('node_id', { mode: 'number', unsigned: true }).references(() => nodes.id, { onDelete: 'cascade' }),
  nodeKey: bigint('node_key', { mode: 'number', unsigned: true }).generatedAlwaysAs(sql`ifnull(\`node_id\`, 0)`, { mode: 'stored' }),
  name: varchar('name', { length: 64 }).notNull(),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [uniqueIndex('private_networks_node_name_unique').on(t.nodeKey, t.name)]);

export const privateNetworkMembers = mysqlTable('private_network_members', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  networkId: bigint('network_id', { mode: 'number', unsigned: true }).notNull().references(() => privateNetworks.id, { onDelete: 'cascade' }),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  uniqueIndex('private_network_members_unique').on(t.networkId, t.serverId),
  index('private_network_members_server_idx').on(t.serverId),
]);

export type AllocationRow = typeof allocations.$inferSelect;
export type ProxyRouteRow = typeof proxyRoutes.$inferSelect;
export type PrivateNetworkRow = typeof privateNetworks.$inferSelect;
