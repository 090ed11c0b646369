import { bigint, datetime, index, int, json, mysqlTable, text, uniqueIndex, varchar } from 'drizzle-orm/mysql-core';
import { users } from './users';

export const BLAST_STATUSES = ['queued', 'sending', 'done'] as const;
export type BlastStatus = (typeof BLAST_STATUSES)[number];
/** `sending`: claimed by a delivery run and handed to SMTP (committed before the SMTP call, so never sent twice). */
export const RECIPIENT_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
export const EMAIL_LOG_STATUSES = ['sent', 'failed'] as const;
export type EmailLogStatus = (typeof EMAIL_LOG_STATUSES)[number];

/** One mass mail (DESIGN §21): its template and the audience filter it was sent with, delivered by a queued job. */
export const mailBlasts = mysqlTable('mail_blasts', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  uuid: varchar('uuid', { length: 36 }).notNull().unique(),
  subject: varchar('subject', { length: 255 }).notNull(),
  body: text('body').notNull(),
  audience: json('audience').$type<Record<string, unknown>>().notNull(),
  status: varchar('status', { length: 16, enum: BLAST_STATUSES }).notNull().default('queued'),
  recipientCount: int('recipient_count', { unsigned: true }).notNull(),
  /** Set while delivery waits for the MAIL_RATE_PER_MINUTE window to open. */
  throttledUntil: datetime('throttled_until', { mode: 'date', fsp: 3 }),
  createdBy: bigint('created_by', { mode: 'number', unsigned: true }).references(() => users.id, { onDelete: 'set null' }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
  startedAt: datetime('started_at', { mode: 'date', fsp: 3 }),
  finishedAt: datetime('finished_at', { mode: 'date', fsp: 3 }),
});

/**
 * The audience of a blast, fixed when it is sent: one row per user, unique per (blast, user), claimed
 * (`pending` → `sending`, committed) before its mail is handed to SMTP.
 */
export const mailRecipients = mysqlTable('mail_recipients', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  blastId: bigint('blast_id', { mode: 'number', unsigned: true }).notNull().references(() => mailBlasts.id, { onDelete: 'cascade' }),
  userId: bigint('user_id', { mode: 'number', unsigned: true }).notNull(),
  email: varchar('email', { length: 191 }).notNull(),
  status: varchar('status', { length: 16, enum: RECIPIENT_STATUSES }).notNull().default('pending'),
  error: text('error'),
  claimedAt: datetime('claimed_at', { mode: 'date', fsp: 3 }),
  sentAt: datetime('sent_at', { mode: 'date', fsp: 3 }),
}, (t) => [uniqueIndex('mail_recipients_blast_user_uq').on(t.blastId, t.userId), index('mail_recipients_blast_status_idx').on(t.blastId, t.status)]);

/** Every message the panel sends (mass mail, tests, invites): append-only, rows outlive users and blasts. */
export const emailLog = mysqlTable('email_log', {
  id: bigint('id', { mode: 'number', unsigned: true }).autoincrement().primaryKey(),
  recipient: varchar('recipient', { length: 191 }).notNull(),
  subject: varchar('subject', { length: 255 }).notNull(),
  status: varchar('status', { length: 16, enum: EMAIL_LOG_STATUSES }).notNull(),
  error: text('error'),
  /** What sent it: `mass-mail`, `mass-mail-test`, `invite`, `subuser-added`, `system`. */
  kind: varchar('kind', { length: 32 }).notNull(),
  blastId: bigint('blast_id', { mode: 'number', unsigned: true }),
  userId: bigint('user_id', { mode: 'number', unsigned: true }),
  createdAt: datetime('created_at', { mode: 'date', fsp: 3 }).notNull(),
}, (t) => [index('email_log_time_idx').on(t.createdAt), index('email_log_kind_time_idx').on(t.kind, t.createdAt), index('email_log_blast_idx').on(t.blastId)]);

export type MailBlastRow = typeof mailBlasts.$inferSelect;
export type MailRecipientRow = typeof mailRecipients.$inferSelect;
export type EmailLogRow = typeof emailLog.$inferSelect;
