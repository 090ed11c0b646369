import { bigint, boolean, datetime, index, int, json, mysqlTable, text, varchar } from 'drizzle-orm/mysql-core';
import { servers } from './servers';
import { users } from './users';

export const MIGRATION_SOURCES = ['sftp', 'url'] as const;
export type MigrationSource = (typeof MIGRATION_SOURCES)[number];
export const MIGRATION_STATUSES = ['running', 'completed', 'failed', 'cancelled'] as const;
export type MigrationStatus = (typeof MIGRATION_STATUSES)[number];

/**
 * A migration in (DESIGN §18): one durable row per run, executed in-process by the panel instance that accepted it,
 * which keeps `heartbeat_at` fresh; a row whose heartbeat went stale was interrupted and is failed by the recovery
 * (server/services/migration/recover-migrations.ts). `sealed_credentials` holds the source's password or key,
 * encrypted with APP_KEY, only while the run lasts: it is set to NULL in the same statement that ends the run.
 */
export const migrations = mysqlTable('migrations', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  uuid: varchar('uuid', { length: 36 }).notNull().unique(),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).notNull().references(() => servers.id, { onDelete: 'cascade' }),
  /** Who started it (kept for the activity rows written when it ends). */
  actorId: bigint('actor_id', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'set null' }),
  actorIp: varchar('actor_ip', { length: 45 }),
  actorUserAgent: varchar('actor_user_agent', { length: 500 }),
  source: varchar('source', { length: 8, enum: MIGRATION_SOURCES }).notNull(),
  /** Where from, without credentials: `{host, port, username, path, fingerprint?}` or `{url, sha256?}`. */
  origin: json('origin').$type<Record<string, string | number>>().notNull(),
  sealedCredentials: text('sealed_credentials'),
  status: varchar('status', { length: 16, enum: MIGRATION_STATUSES }).notNull(),
  cancelRequested: boolean('cancel_requested').notNull().default(false),
  bytes: bigint('bytes', { mode: 'number', unsigned: true }).notNull().default(0),
  files: int('files', { unsigned: true }).notNull().default(0),
  /** Known once the source was scanned (SFTP) or announced (Content-Length); null while unknown. */
  totalBytes: bigint('total_bytes', { mode: 'number', unsigned: true }),
  totalFiles: int('total_files', { unsigned: true }),
  error: text('error'),
  heartbeatAt: datetime('heartbeat_at', { mode: 'date', fsp: 3 }).notNull(),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  finishedAt: datetime('finished_at', { mode: 'date', fsp: 3 }),
}, (t) => [
  index('migrations_server_created_idx').on(t.serverId, t.createdAt),
  index('migrations_status_idx').on(t.status),
]);

export type MigrationRow = typeof migrations.$inferSelect;

/** The last computed health report of a server (DESIGN §18), shared by every panel instance for 30 s. */
export const serverHealthReports = mysqlTable('server_health_reports', {
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).primaryKey().references(() => servers.id, { onDelete: 'cascade' }),
  results: json('results').$type<Array<{ check: string; status: string; detail: string; recommendation: string }>>().notNull(),
  checkedAt: datetime('checked_at', { mode: 'date', fsp: 3 }).notNull(),
});

export type ServerHealthReportRow = typeof serverHealthReports.$inferSelect;
