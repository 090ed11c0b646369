import type { Permission } from '@contracts/permissions';
import { forbidden } from '../../http/errors';
import type { ServerAccess } from '../../http/types';

/** Services check the key themselves (the route's guard is one of two locks). */
export function requireKey(access: ServerAccess, key: Permission): void {
  if (!access.permissions.has(key)) throw forbidden('This action is unauthorized.', { permission: key });
}
