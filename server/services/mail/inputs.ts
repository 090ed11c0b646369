import { z } from 'zod';
import { MAIL_BODY_MAX, MAIL_SUBJECT_MAX, type MailAudience } from '@contracts/mass-mail';
import type { AudienceFilter } from '@db/repositories/mail-audience';
import { EMAIL_LOG_STATUSES } from '@db/schema/mail';

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date and time, e.g. 2026-01-31T00:00:00Z' });

/** The audience filter of DESIGN §21; every field optional, unknown fields refused. */
export const audienceSchema = z.strictObject({
  node_id: z.number().int().positive().optional(),
  software_id: z.string().min(1).max(64).optional(),
  has_servers: z.boolean().optional(),
  created_after: instant.optional(),
  created_before: instant.optional(),
  admin: z.boolean().optional(),
}) satisfies z.ZodType<MailAudience>;

export const audienceBody = z.strictObject({ audience: audienceSchema.default({}) });

export const templateBody = z.strictObject({
  subject: z.string().trim().min(1, 'is required').max(MAIL_SUBJECT_MAX),
  body: z.string().min(1, 'is required').max(MAIL_BODY_MAX),
});
export type TemplateInput = z.infer<typeof templateBody>;

export const blastBody = templateBody.extend({ audience: audienceSchema.default({}) });
export type BlastInput = z.infer<typeof blastBody>;

export const emailLogQuery = z.object({
  status: z.enum(EMAIL_LOG_STATUSES).optional(),
  kind: z.string().min(1).max(32).optional(),
  to: z.string().min(1).max(191).optional(),
  blast: z.uuid().optional(),
  since: instant.optional(),
  until: instant.optional(),
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(50),
});
export type EmailLogQuery = z.infer<typeof emailLogQuery>;

export function audienceFilter(a: MailAudience): AudienceFilter {
  return {
    nodeId: a.node_id, softwareId: a.software_id, hasServers: a.has_servers, admin: a.admin,
    createdAfter: a.created_after ? new Date(a.created_after) : undefined,
    createdBefore: a.created_before ? new Date(a.created_before) : undefined,
  };
}
