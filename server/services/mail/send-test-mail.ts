import type { AppContext } from '../../context';
import { httpError } from '../../http/errors';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { checkTemplates, composeFor } from './compose';
import type { TemplateInput } from './inputs';
import { requireMailSender } from './mail-admin';

/**
 * "Send test to me": renders the message for the actor and sends it to the actor's own address at once (not queued,
 * not rate-limited: one message). The Email Log records it as `mass-mail-test`; the activity log as admin:mail.test.
 */
export async function sendTestMail(app: AppContext, actor: Actor, input: TemplateInput): Promise<{ to: string }> {
  requireMailSender(actor);
  checkTemplates(input);
  const rendered = composeFor(app, input, actor.user);
  const to = actor.user.email;
  try {
    await app.mailer.send({ to, ...rendered, log: { kind: 'mass-mail-test', userId: actor.user.id } });
  } catch (err) {
    await logActivity(app.db, app.clock, { event: 'admin:mail.test', actor, properties: { to, subject: input.subject, status: 'failed' } });
    throw httpError(502, 'MailDeliveryFailed', `The test message could not be sent: ${err instanceof Error ? err.message : String(err)}`);
  }
  await logActivity(app.db, app.clock, { event: 'admin:mail.test', actor, properties: { to, subject: input.subject, status: 'sent' } });
  return { to };
}
