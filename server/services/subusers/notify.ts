import type { AppContext } from '../../context';
import type { MailMessage } from '../../mail/mailer';

/**
 * Mails after the commit: a failing mail server must not undo a committed change, so the failure is logged (with
 * the link, so an operator can still hand it out) and the invite can be resent.
 */
export async function deliver(app: AppContext, message: MailMessage): Promise<void> {
  try {
    await app.mailer.send(message);
  } catch (err) {
    app.logger.error({ err, to: message.to, subject: message.subject, link: message.link }, 'mail could not be sent');
  }
}

/** Tells the bridge and SFTP server to re-evaluate these users' live access (after the commit). */
export async function revoke(app: AppContext, userUuids: readonly string[], serverUuid: string | null): Promise<void> {
  for (const userUuid of new Set(userUuids)) await app.bus.publish({ userUuid, serverUuid });
}
