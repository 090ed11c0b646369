import { z } from 'zod';
import { sentTimesSince } from '@db/repositories/email-log';
import { claimNextRecipient, findBlastById, finishRecipient, listInterrupted, updateBlast } from '@db/repositories/mail-blasts';
import { findUserById } from '@db/repositories/users';
import type { MailBlastRow, MailRecipientRow } from '@db/schema/mail';
import type { AppContext } from '../../context';
import { pause } from '../../jobs/background';
import type { JobHandler } from '../../jobs/handlers';
import { composeFor } from './compose';

const WINDOW_MS = 60_000;
export const INTERRUPTED_ERROR = 'interrupted while sending (the panel stopped); not sent again, so nobody gets it twice';

/**
 * Delivers one blast, recipient by recipient: each is claimed (committed) before its message goes to SMTP and
 * finished after, so a run cut short never sends anyone a second copy. A run that stops with the panel throws; the
 * job runner queues it again and the next run (here or on another instance) continues with the pending rows.
 */
export async function deliverBlast(app: AppContext, blastId: number): Promise<void> {
  const blast = await findBlastById(app.db, blastId);
  if (!blast || blast.status === 'done') return;
  await settleInterrupted(app, blast);
  if (blast.status === 'queued') await updateBlast(app.db, blast.id, { status: 'sending', startedAt: app.clock.now() });
  for (;;) {
    if (app.work.stopping || !(await waitForRate(app, blast.id))) {
      throw new Error('the panel stopped mid-blast; the next run continues with the recipients still pending');
    }
    const recipient = await claimNextRecipient(app.db, blast.id, app.clock.now());
    if (!recipient) break;
    await deliverOne(app, blast, recipient);
  }
  await updateBlast(app.db, blast.id, { status: 'done', finishedAt: app.clock.now(), throttledUntil: null });
}

const blastPayload = z.object({ blastId: z.number().int().positive() });
/** The `mail.blast` job (registered in server/jobs/handlers.ts; a type-only import keeps the modules acyclic). */
export const deliverBlastJob: JobHandler<z.infer<typeof blastPayload>> = {
  payload: blastPayload,
  run: (app, payload) => deliverBlast(app, payload.blastId),
};

async function deliverOne(app: AppContext, blast: MailBlastRow, recipient: MailRecipientRow): Promise<void> {
  const user = await findUserById(app.db, recipient.userId);
  if (!user) {
    await finishRecipient(app.db, recipient.id, 'failed', app.clock.now(), 'the account no longer exists');
    return;
  }
  const rendered = composeFor(app, blast, user);
  let error: string | null = null;
  try {
    await app.mailer.send({ to: recipient.email, ...rendered, log: { kind: 'mass-mail', blastId: blast.id, userId: user.id } });
  } catch (err) {
    error = (err instanceof Error ? err.message : String(err)).slice(0, 4000);
  }
  await finishRecipient(app.db, recipient.id, error === null ? 'sent' : 'failed', app.clock.now(), error);
}

/** Rows a previous run claimed and did not finish: whether SMTP took them is unknown, so they are not sent again. */
async function settleInterrupted(app: AppContext, blast: MailBlastRow): Promise<void> {
  for (const row of await listInterrupted(app.db, blast.id)) {
    await finishRecipient(app.db, row.id, 'failed', app.clock.now(), INTERRUPTED_ERROR);
  }
}

/**
 * MAIL_RATE_PER_MINUTE across every blast and panel instance, counted from the Email Log's rolling minute. While
 * the window is full the blast shows `throttled_until`. Resolves false when the panel stops while waiting.
 */
async function waitForRate(app: AppContext, blastId: number): Promise<boolean> {
  const rate = app.config.MAIL_RATE_PER_MINUTE;
  let throttled = false;
  for (;;) {
    const now = app.clock.now().getTime();
    const times = await sentTimesSince(app.db, 'mass-mail', new Date(now - WINDOW_MS));
    if (times.length < rate) {
      if (throttled) await updateBlast(app.db, blastId, { throttledUntil: null });
      return true;
    }
    const opensAt = (times[times.length - rate] as Date).getTime() + WINDOW_MS;
    if (!throttled) await updateBlast(app.db, blastId, { throttledUntil: new Date(opensAt) });
    throttled = true;
    // Re-checked at least every second, so a clock moved forward (tests) or a log row gone is noticed.
    if (!(await pause(Math.min(1000, Math.max(1, opensAt - now)), app.work.signal))) return false;
  }
}
