import { forbidden } from '../../http/errors';
import type { Actor } from '../../http/types';

/**
 * The one guard of mass mail: who may count audiences, preview, send tests and blasts and read the Email Log. Today
 * root admins; the admin console swaps this for the `mail.send` admin permission (contracts/admin-permissions.ts).
 */
export function requireMailSender(actor: Actor): void {
  if (!actor.user.rootAdmin) throw forbidden('Only administrators can send mass mail.', { permission: 'mail.send' });
}
