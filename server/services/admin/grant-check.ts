import { unionOfRoles, type AdminPermission } from '@contracts/admin-permissions';
import { forbidden } from '../../http/errors';
import type { Actor } from '../../http/types';

/** The admin keys a list of grants covers (wildcards expanded). */
export const expand = (grants: readonly string[]): AdminPermission[] => unionOfRoles([{ permissions: grants }]);

/**
 * No escalation (as DESIGN §4 for subusers): every admin key an actor adds or removes — in a role, or by assigning
 * a role — must be one they hold themselves (else 403 listing them). A super-admin holds every key.
 */
export function requireHeld(actor: Actor, keys: Iterable<AdminPermission>): void {
  const held = new Set(actor.adminPermissions ?? []);
  const missing = [...new Set(keys)].filter((k) => !held.has(k));
  if (missing.length) throw forbidden('You cannot grant or revoke admin permissions you do not hold.', { permissions: missing.join(',') });
}

/** Whether the actor holds every admin key (the super-admin role, or roles adding up to it). */
export function holdsEverything(actor: Actor): boolean {
  return expand(['*']).every((k) => actor.adminPermissions?.includes(k));
}
