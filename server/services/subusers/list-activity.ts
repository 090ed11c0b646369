import { listServerActivity, type ActivityWithActor } from '@db/repositories/activity';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { displayName, gravatar } from './transform';

export interface ActivityQuery {
  readonly page: number;
  readonly perPage: number;
  /** Exact event, or a prefix ending in `*` (`server:subuser.*`). */
  readonly event?: string | undefined;
  readonly actorUuid?: string | undefined;
}

export const EXPORT_LIMIT = 10_000;

/** Pterodactyl's `activity_log` item. Other users' IPs are shown only to the row's actor and to root admins. */
export function activityItem(viewer: Actor, { row, actor, impersonator }: ActivityWithActor) {
  const showIp = viewer.user.rootAdmin || (row.actorId !== null && row.actorId === viewer.user.id);
  return {
    object: 'activity_log' as const,
    attributes: {
      id: String(row.id),
      batch: null,
      event: row.event,
      is_api: row.apiKeyId !== null,
      ip: showIp ? row.ip : null,
      description: null,
      properties: row.properties,
      has_additional_metadata: Object.keys(row.properties).length > 0,
      timestamp: row.timestamp.toISOString(),
      relationships: {
        actor: actor
          ? { object: 'user' as const, attributes: { uuid: actor.uuid, username: displayName(actor), email: actor.email, image: gravatar(actor.email) } }
          : null,
        /** During an impersonation, the admin acting as the actor (DESIGN §21): every row names both. */
        impersonator: impersonator ? { object: 'user' as const, attributes: { uuid: impersonator.uuid, username: impersonator.username ?? impersonator.email, email: impersonator.email } } : null,
      },
    },
  };
}
export type ActivityItem = ReturnType<typeof activityItem>;

/** A page (or, for exports, up to EXPORT_LIMIT rows) of the server's activity, newest first. */
export async function listActivity(app: AppContext, actor: Actor, access: ServerAccess, query: ActivityQuery) {
  const prefix = query.event?.endsWith('*') ?? false;
  const { rows, total } = await listServerActivity(app.db, {
    serverId: access.server.id,
    event: prefix ? query.event?.slice(0, -1) : query.event,
    eventPrefix: prefix,
    actorUuid: query.actorUuid,
  }, { limit: query.perPage, offset: (query.page - 1) * query.perPage });
  const data = rows.map((r) => activityItem(actor, r));
  const totalPages = Math.max(1, Math.ceil(total / query.perPage));
  return {
    object: 'list' as const,
    data,
    meta: { pagination: { total, count: data.length, per_page: query.perPage, current_page: query.page, total_pages: totalPages, links: {} } },
  };
}

const CSV_COLUMNS = ['id', 'timestamp', 'event', 'actor', 'actor_email', 'is_api', 'ip', 'properties'] as const;

function csvCell(value: string): string {
  // Quote everything; neutralise spreadsheet formulas (a cell starting with = + - @ is prefixed with ').
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function activityCsv(items: readonly ActivityItem[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const { attributes: a } of items) {
    const actor = a.relationships.actor?.attributes;
    lines.push([a.id, a.timestamp, a.event, actor?.username ?? '', actor?.email ?? '', String(a.is_api), a.ip ?? '', JSON.stringify(a.properties)]
      .map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
