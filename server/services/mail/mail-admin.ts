import { hasAdminPermission } from '@contracts/admin-permissions';
import { forbidden } from '../../http/errors';
import type { Actor } from '../../http/types';

/**
 * The one guard of mass mail, behind the routes' own `admin:` needs: composing, counting audiences, previews, tests
 * and blasts need the admin permission `mail.send`; reading blasts and the Email Log needs `mail.view` (DESIGN §21).
 * `actor.adminPermissions` is what the router read for this request (the union of the user's admin roles).
 */
export function requireMailSender(actor: Actor, key: 'mail.send' | 'mail.view' = 'mail.send'): void {
  if (!hasAdminPermission(actor.adminPermissions ?? [], key)) throw forbidden('This action is unauthorized.', { permission: key });
}
