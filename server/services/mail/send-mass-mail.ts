import { randomUUID } from 'node:crypto';
import { findBlastById, insertBlast, insertRecipients, updateBlast } from '@db/repositories/mail-blasts';
import type { MailBlastRow } from '@db/schema/mail';
import type { AppContext } from '../../context';
import { badRequest } from '../../http/errors';
import type { Actor } from '../../http/types';
import { enqueueJob } from '../../jobs/enqueue';
import { logActivity } from '../activity';
import { checkAudience } from './check-audience';
import { checkTemplates } from './compose';
import { audienceFilter, type BlastInput } from './inputs';
import { requireMailSender } from './mail-admin';

export const BLAST_JOB = 'mail.blast';
/** A blast's job gives up only after this many runs (each run that a restart cut short counts one). */
const BLAST_JOB_ATTEMPTS = 50;

/**
 * Send: in one transaction, stores the blast, fixes its audience as one recipient row per user (unique per blast
 * and user), queues its delivery job and writes admin:mail.send. An empty audience is refused (400).
 */
export async function sendMassMail(app: AppContext, actor: Actor, input: BlastInput): Promise<MailBlastRow> {
  requireMailSender(actor);
  checkTemplates(input);
  await checkAudience(app.db, input.audience);
  const now = app.clock.now();
  const uuid = randomUUID();
  return app.db.transaction(async (tx) => {
    const id = await insertBlast(tx, {
      uuid, subject: input.subject, body: input.body, audience: { ...input.audience }, status: 'queued', recipientCount: 0,
      createdBy: actor.user.id, createdAt: now,
    });
    const count = await insertRecipients(tx, id, audienceFilter(input.audience));
    if (count === 0) throw badRequest('The audience is empty: no account matches this filter.', { recipients: 0 });
    await updateBlast(tx, id, { recipientCount: count });
    await enqueueJob(tx, { kind: BLAST_JOB, payload: { blastId: id }, dedupeKey: `${BLAST_JOB}:${uuid}`, maxAttempts: BLAST_JOB_ATTEMPTS, now });
    await logActivity(tx, app.clock, {
      event: 'admin:mail.send', actor, properties: { blast: uuid, subject: input.subject, audience: input.audience, recipients: count },
    });
    const blast = await findBlastById(tx, id);
    if (!blast) throw new Error('created blast not found');
    return blast;
  });
}
