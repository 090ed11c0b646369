import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../logger';

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** A link the recipient must follow (invite); logged when mail goes to the outbox. */
  readonly link?: string;
  /** What the Email Log records it as (default `system`), and the blast and user it belongs to. */
  readonly log?: { readonly kind: string; readonly blastId?: number; readonly userId?: number };
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * nodemailer over SMTP when SMTP_URL is set; otherwise each message is written to DATA_DIR/outbox as an .eml file
 * and its link is logged, so a fresh install can still hand out invites.
 */
export function createMailer(options: { smtpUrl?: string | undefined; from: string; outboxDir: string; logger: Logger }): Mailer {
  const transport: Transporter = options.smtpUrl
    ? nodemailer.createTransport(options.smtpUrl)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(message) {
      const info = await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      if (!options.smtpUrl) {
        mkdirSync(options.outboxDir, { recursive: true });
        const file = path.join(options.outboxDir, `${Date.now()}-${message.to.replace(/[^a-z0-9@.]/gi, '_')}.eml`);
        writeFileSync(file, (info as { message: Buffer }).message);
        options.logger.info({ to: message.to, subject: message.subject, link: message.link, file }, 'mail written to outbox');
      }
    },
  };
}
