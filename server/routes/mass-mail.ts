import { z } from 'zod';
import { MAIL_TOKENS } from '@contracts/mass-mail';
import { audienceOptions } from '@db/repositories/mail-audience';
import { reply, route } from '../http/manifest';
import { countMailAudience } from '../services/mail/count-audience';
import { audienceBody, blastBody, emailLogQuery, templateBody } from '../services/mail/inputs';
import { listEmailLogService } from '../services/mail/list-email-log';
import { requireMailSender } from '../services/mail/mail-admin';
import { previewMail } from '../services/mail/preview-mail';
import { sendMassMail } from '../services/mail/send-mass-mail';
import { sendTestMail } from '../services/mail/send-test-mail';
import { blastItem } from '../services/mail/transform';
import { viewBlast, viewBlasts } from '../services/mail/view-blasts';

const base = '/api/application/mail';
const template = { subject: 'Maintenance tonight', body: 'Hello {{ user.name }},\n\nthe panel restarts at 22:00 UTC.' };

/**
 * Mass mail (DESIGN §21). Session only for now: the admin console's `ptla_` keys and the `mail.send` admin
 * permission: the routes need `admin:mail.send` (compose, count, preview, test, send) or `admin:mail.view` (blasts, Email
 * Log), and the services check the same key again (services/mail/mail-admin.ts).
 */
export const massMailRoutes = [
  route({
    method: 'GET', path: `${base}/options`, need: 'admin:mail.send',
    handler: async ({ app, actor }) => {
      requireMailSender(actor);
      return { ...(await audienceOptions(app.db)), tokens: MAIL_TOKENS, rate_per_minute: app.config.MAIL_RATE_PER_MINUTE };
    },
  }),
  route({
    method: 'POST', path: `${base}/audience`, need: 'admin:mail.send', body: audienceBody, example: { body: { audience: {} } },
    handler: async ({ app, actor, body }) => countMailAudience(app, actor, body.audience),
  }),
  route({
    method: 'POST', path: `${base}/preview`, need: 'admin:mail.send', body: templateBody, example: { body: template },
    handler: async ({ app, actor, body }) => previewMail(app, actor, body),
  }),
  route({
    method: 'POST', path: `${base}/test`, need: 'admin:mail.send', body: templateBody, example: { body: template },
    handler: async ({ app, actor, body }) => sendTestMail(app, actor, body),
  }),
  route({
    method: 'GET', path: `${base}/blasts`, need: 'admin:mail.view',
    handler: async ({ app, actor }) => viewBlasts(app, actor),
  }),
  route({
    method: 'POST', path: `${base}/blasts`, need: 'admin:mail.send', body: blastBody, example: { body: { ...template, audience: {} } },
    handler: async ({ app, actor, body }) => {
      const blast = await sendMassMail(app, actor, body);
      return reply(202, blastItem(blast, { pending: blast.recipientCount, sending: 0, sent: 0, failed: 0 }));
    },
  }),
  route({
    method: 'GET', path: `${base}/blasts/:blast`, need: 'admin:mail.view',
    handler: async ({ app, actor, params }) => viewBlast(app, actor, z.uuid().safeParse(params.blast).data ?? ''),
  }),
  route({
    method: 'GET', path: `${base}/log`, need: 'admin:mail.view', query: emailLogQuery,
    handler: async ({ app, actor, query }) => listEmailLogService(app, actor, query),
  }),
];
