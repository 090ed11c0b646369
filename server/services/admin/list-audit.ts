import { listAudit, type AuditEntry } from '@db/repositories/audit';
import type { AppContext } from '../../context';
import { ADMIN_EVENT_PREFIX } from './audit';
import { paginated } from './transformers';

export interface AuditQuery {
  readonly page: number;
  readonly perPage: number;
  /** An event name or prefix, with or without `admin:` (`user.suspend`, `user.`). */
  readonly event?: string | undefined;
  readonly actorUuid?: string | undefined;
}

export const AUDIT_EXPORT_LIMIT = 10_000;

const person = (p: AuditEntry['actor']) => (p ? { uuid: p.uuid, email: p.email, username: p.username } : null);

/** One audit entry: who (and, during an impersonation, which admin), from where, what, and the structured diff. */
export function auditItem({ row, actor, impersonator }: AuditEntry) {
  return {
    object: 'audit_log' as const,
    attributes: {
      id: String(row.id), event: row.event, actor: person(actor), impersonator: person(impersonator),
      is_api: row.apiKeyId !== null, ip: row.ip, user_agent: row.userAgent, properties: row.properties,
      timestamp: row.timestamp.toISOString(),
    },
  };
}
export type AuditItem = ReturnType<typeof auditItem>;

export async function listAuditLog(app: AppContext, query: AuditQuery) {
  const event = query.event ? (query.event.startsWith(ADMIN_EVENT_PREFIX) ? query.event : `${ADMIN_EVENT_PREFIX}${query.event}`).replace(/\*$/, '') : undefined;
  const { rows, total } = await listAudit(app.db, { prefix: ADMIN_EVENT_PREFIX, event, actorUuid: query.actorUuid },
    { limit: query.perPage, offset: (query.page - 1) * query.perPage });
  return paginated(rows.map(auditItem), total, query.page, query.perPage);
}

const COLUMNS = ['id', 'timestamp', 'event', 'actor', 'actor_email', 'impersonator', 'is_api', 'ip', 'user_agent', 'properties'] as const;

function cell(value: string): string {
  // Quote everything; neutralise spreadsheet formulas (a cell starting with = + - @ is prefixed with ').
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export function auditCsv(items: readonly AuditItem[]): string {
  const lines = [COLUMNS.join(',')];
  for (const { attributes: a } of items) {
    lines.push([a.id, a.timestamp, a.event, a.actor?.uuid ?? '', a.actor?.email ?? '', a.impersonator?.email ?? '', String(a.is_api),
      a.ip ?? '', a.user_agent ?? '', JSON.stringify(a.properties)].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
