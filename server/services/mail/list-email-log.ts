import { listEmailLog } from '@db/repositories/email-log';
import { blastUuids, findBlastByUuid } from '@db/repositories/mail-blasts';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import type { EmailLogQuery } from './inputs';
import { requireMailSender } from './mail-admin';
import { emailLogItem } from './transform';

/** The Email Log, newest first, filtered by status, kind, recipient, blast and time; Pterodactyl-style pagination. */
export async function listEmailLogService(app: AppContext, actor: Actor, q: EmailLogQuery) {
  requireMailSender(actor, 'mail.view');
  let blastId: number | undefined;
  if (q.blast) {
    const blast = await findBlastByUuid(app.db, q.blast);
    if (!blast) return page([], 0, q, new Map());
    blastId = blast.id;
  }
  const { rows, total } = await listEmailLog(app.db, {
    status: q.status, kind: q.kind, to: q.to, blastId,
    since: q.since ? new Date(q.since) : undefined, until: q.until ? new Date(q.until) : undefined,
  }, { limit: q.per_page, offset: (q.page - 1) * q.per_page });
  const uuids = await blastUuids(app.db, [...new Set(rows.flatMap((r) => (r.blastId === null ? [] : [r.blastId])))]);
  return page(rows, total, q, uuids);
}

function page(rows: Parameters<typeof emailLogItem>[0][], total: number, q: EmailLogQuery, uuids: Map<number, string>) {
  return {
    object: 'list',
    data: rows.map((r) => emailLogItem(r, r.blastId === null ? null : uuids.get(r.blastId) ?? null)),
    meta: { pagination: { total, count: rows.length, per_page: q.per_page, current_page: q.page, total_pages: Math.max(1, Math.ceil(total / q.per_page)), links: {} } },
  };
}
