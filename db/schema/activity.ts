import { bigint, datetime, index, json, mysqlTable, varchar } from 'drizzle-orm/mysql-core';
import { apiKeys } from './credentials';
import { servers } from './servers';
import { users } from './users';

/** Append-only (DESIGN §9). Rows outlive the actors and servers they name. */
export const activityLogs = mysqlTable('activity_logs', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  event: varchar('event', { length: 191 }).notNull(),
  actorId: bigint('actor_id', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'set null' }),
  /** During an impersonation: the admin acting as `actor` (every request is attributed to both, DESIGN §21). */
  impersonatorId: bigint('impersonator_id', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'set null' }),
  apiKeyId: bigint('api_key_id', { mode: 'number', unsigned: true }).references(() => apiKeys.id, { onDelete: 'set null' }),
  serverId: bigint('server_id', { mode: 'number', unsigned: true }).references(() => servers.id, { onDelete: 'set null' }),
  ip: varchar('ip', { length: 45 }),
  userAgent: varchar('user_agent', { length: 500 }),
  properties: json('properties').$type<Record<string, unknown>>().notNull(),
  timestamp: datetime('timestamp', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [
  index('activity_server_time_idx').on(t.serverId, t.timestamp),
  index('activity_actor_time_idx').on(t.actorId, t.timestamp),
  index('activity_event_idx').on(t.event),
  index('activity_time_idx').on(t.timestamp),
]);

export type ActivityRow = typeof activityLogs.$inferSelect;
