import { bigint, boolean, datetime, json, mysqlTable, primaryKey, text, varchar } from 'drizzle-orm/mysql-core';
import { servers } from './servers';

/**
 * Software definitions (DESIGN §14): the bundled ones (synced from server/software at boot, `bundled` = true) and
 * those admins import. `definition` is the whole definition as JSON, parsed with zod whenever it is read.
 */
export const software = mysqlTable('software', {
  id: varchar('id', { length: 64 }).primaryKey(),
  name: varchar('name', { length: 191 }).notNull(),
  bundled: boolean('bundled').notNull().default(false),
  definition: json('definition').$type<unknown>().notNull(),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
});

/**
 * A server's software, image and install bookkeeping. A server without a row runs the generic command runner with
 * its own startup command (servers made before this table existed, or written straight to the database).
 */
export const serverStartup = mysqlTable('server_startup', {
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).primaryKey().references(() => servers.id, { onDelete: 'cascade' }),
  softwareId: varchar('software_id', { length: 64 }).notNull(),
  dockerImage: varchar('docker_image', { length: 255 }).notNull(),
  /** While an install runs: refreshed by the running panel; past it, boot recovery marks the install failed. */
  installLeaseUntil: datetime('install_lease_until', { mode: 'date', fsp: 3 }),
  /** Created with software whose install has not run yet (the CLI has no daemon): the panel runs it at boot. */
  installPending: boolean('install_pending').notNull().default(false),
  /** Whether the running install is a reinstall (a failure then leaves `reinstall_failed`). */
  installIsReinstall: boolean('install_is_reinstall').notNull().default(false),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
});

/** A server's value of one of its software's variables; no row = the variable's default. */
export const serverVariables = mysqlTable('server_variables', {
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  envVariable: varchar('env_variable', { length: 191 }).notNull(),
  value: text('value'),
  updatedAt: datetime('updated_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [primaryKey({ columns: [t.serverId, t.envVariable] })]);

export type SoftwareRow = typeof software.$inferSelect;
export type ServerStartupRow = typeof serverStartup.$inferSelect;
export type ServerVariableRow = typeof serverVariables.$inferSelect;
