import type { BlastProgress } from '@db/repositories/mail-blasts';
import type { EmailLogRow, MailBlastRow } from '@db/schema/mail';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function blastItem(blast: MailBlastRow, progress: BlastProgress) {
  return {
    object: 'mail_blast',
    attributes: {
      uuid: blast.uuid, subject: blast.subject, body: blast.body, audience: blast.audience, status: blast.status,
      recipients: blast.recipientCount, progress, throttled_until: iso(blast.throttledUntil),
      created_at: iso(blast.createdAt), started_at: iso(blast.startedAt), finished_at: iso(blast.finishedAt),
    },
  };
}

export function emailLogItem(row: EmailLogRow, blastUuid: string | null) {
  return {
    object: 'email_log',
    attributes: {
      id: row.id, to: row.recipient, subject: row.subject, status: row.status, error: row.error, kind: row.kind,
      blast: blastUuid, created_at: iso(row.createdAt),
    },
  };
}
