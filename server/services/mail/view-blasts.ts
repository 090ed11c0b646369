import { blastProgress, findBlastByUuid, listBlasts } from '@db/repositories/mail-blasts';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor } from '../../http/types';
import { requireMailSender } from './mail-admin';
import { blastItem } from './transform';

const EMPTY = { pending: 0, sending: 0, sent: 0, failed: 0 };

/** The newest blasts with their delivery progress. */
export async function viewBlasts(app: AppContext, actor: Actor, limit = 50) {
  requireMailSender(actor, 'mail.view');
  const rows = await listBlasts(app.db, limit);
  const progress = await blastProgress(app.db, rows.map((r) => r.id));
  return { object: 'list', data: rows.map((r) => blastItem(r, progress.get(r.id) ?? EMPTY)) };
}

export async function viewBlast(app: AppContext, actor: Actor, uuid: string) {
  requireMailSender(actor, 'mail.view');
  const blast = await findBlastByUuid(app.db, uuid);
  if (!blast) throw notFound();
  return blastItem(blast, (await blastProgress(app.db, [blast.id])).get(blast.id) ?? EMPTY);
}
