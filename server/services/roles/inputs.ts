import { z } from 'zod';

/** The request bodies of the role routes (DESIGN §20), parsed by the router before the services run. */
const keys = z.array(z.string().max(64)).max(200);

export const overridesBody = z.object({
  add: keys.default([]),
  remove: keys.default([]),
});
export type OverridesBody = z.infer<typeof overridesBody>;

export const roleBody = z.object({
  name: z.string().trim().min(1, 'is required').max(191, 'may not be greater than 191 characters'),
  description: z.string().trim().max(1000, 'may not be greater than 1000 characters').nullish(),
  permissions: keys,
});
export type RoleBody = z.infer<typeof roleBody>;

/** `role`: a built-in id, an owner-defined role's uuid, or null to keep the keys and drop the link. */
export const assignRoleBody = z.object({
  role: z.string().trim().min(1).max(64).nullable(),
  overrides: overridesBody.optional(),
});
export type AssignRoleBody = z.infer<typeof assignRoleBody>;

export const bulkInviteBody = z.object({
  email: z.string().trim().toLowerCase().max(191, 'may not be greater than 191 characters').pipe(z.email({ error: 'must be a valid email address' })),
  servers: z.array(z.string().trim().min(1).max(36)).min(1, 'name at least one server').max(50),
  overrides: overridesBody.optional(),
  invite_ttl_hours: z.number().int().min(1).max(720).optional(),
});
export type BulkInviteBody = z.infer<typeof bulkInviteBody>;
