import type { Database } from '@db/client';
import { insertEmailLog } from '@db/repositories/email-log';
import type { Clock } from '../context';
import type { Logger } from '../logger';
import type { Mailer } from './mailer';

/**
 * Every message the panel sends goes through this: it writes one Email Log row (to, subject, sent or failed with the
 * error, time) after the transport answers, then passes the outcome on. A log row that cannot be written is logged
 * and never turns a delivered message into a failure (the caller would retry it).
 */
export function loggedMailer(inner: Mailer, deps: { db: Database; clock: Clock; logger: Logger }): Mailer {
  return {
    async send(message) {
      let error: string | null = null;
      try {
        await inner.send(message);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        throw err;
      } finally {
        await insertEmailLog(deps.db, {
          recipient: message.to.slice(0, 191), subject: message.subject.slice(0, 255), status: error === null ? 'sent' : 'failed',
          error: error?.slice(0, 4000) ?? null, kind: message.log?.kind ?? 'system', blastId: message.log?.blastId ?? null,
          userId: message.log?.userId ?? null, createdAt: deps.clock.now(),
        }).catch((err: unknown) => deps.logger.warn({ err, to: message.to }, 'could not write the email log row'));
      }
    },
  };
}
