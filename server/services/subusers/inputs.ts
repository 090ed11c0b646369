import { z } from 'zod';

/** The request bodies of the subuser routes (parsed by the router before the services run). */
const permissions = z.array(z.string().max(64)).max(200);
const ttl = z.number().int().min(1).max(720);

export const createSubuserBody = z.object({
  email: z.string().trim().toLowerCase().max(191, 'may not be greater than 191 characters').pipe(z.email({ error: 'must be a valid email address' })),
  /** Required unless `role` is given (Pterodactyl's clients always send it). */
  permissions: permissions.optional(),
  /** A role to link the new row to (DESIGN §20): a built-in id or an owner-defined role's uuid. */
  role: z.string().trim().min(1).max(64).optional(),
  overrides: z.object({ add: permissions.default([]), remove: permissions.default([]) }).optional(),
  /** How long the invite link stays valid, in hours (1 h–30 d); defaults to INVITE_TTL_HOURS. */
  invite_ttl_hours: ttl.optional(),
}).superRefine((v, ctx) => {
  if (!v.role && !v.permissions) ctx.addIssue({ code: 'custom', path: ['permissions'], message: 'is required unless a role is given' });
  if (v.role && v.permissions) ctx.addIssue({ code: 'custom', path: ['permissions'], message: 'cannot be combined with a role; use overrides' });
  if (!v.role && v.overrides) ctx.addIssue({ code: 'custom', path: ['overrides'], message: 'apply on top of a role; pick a role first' });
});
export type CreateSubuserBody = z.infer<typeof createSubuserBody>;

/** `email` is refused rather than ignored: it can never change (remove and re-invite). */
export const updateSubuserBody = z.object({
  permissions,
  email: z.never({ error: 'cannot be changed; remove the subuser and invite the new address' }).optional(),
});
export type UpdateSubuserBody = z.infer<typeof updateSubuserBody>;

/** Path globs a subuser's file keys are limited to (DESIGN §20); null lifts the limit. */
export const fileScopeBody = z.object({ paths: z.array(z.string().max(255)).max(50).nullable() });

export const resendInviteBody = z.object({ invite_ttl_hours: ttl.optional() });

export const acceptInviteBody = z.object({
  username: z.string().trim().min(1).max(191).regex(/^[a-zA-Z0-9_.-]+$/, 'may contain only letters, digits, _ . and -'),
  password: z.string().min(8, 'must be at least 8 characters').max(1024),
});
export type AcceptInviteBody = z.infer<typeof acceptInviteBody>;

export const transferOwnershipBody = z.object({
  email: z.string().trim().toLowerCase().max(191).pipe(z.email({ error: 'must be a valid email address' })),
});

export const inviteToken = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/);
