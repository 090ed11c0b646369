import { z } from 'zod';
import { isAdminGrant, SUPER_ADMIN_ROLE } from '@contracts/admin-permissions';

/** A role's editable fields. Unknown keys are refused (422 naming them); `*` is reserved to super-admin. */
export const roleInput = z.object({
  name: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lowercase letters, digits and dashes')
    .refine((n) => n !== SUPER_ADMIN_ROLE, 'is reserved'),
  description: z.string().trim().max(500).default(''),
  permissions: z.array(z.string()).max(200).superRefine((keys, ctx) => {
    const unknown = keys.filter((k) => !isAdminGrant(k));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown admin permissions: ${unknown.join(', ')}` });
  }),
});
export type RoleInput = z.infer<typeof roleInput>;
