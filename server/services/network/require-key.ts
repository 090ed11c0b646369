import { hasPermission, type Permission } from '@contracts/permissions';
import { forbidden } from '../../http/errors';
import type { ServerAccess } from '../../http/types';

/** Services check the key themselves (the route's guard is the first line, this the second). */
export function requireKey(access: ServerAccess, key: Permission): void {
  if (!hasPermission(access.permissions, key)) throw forbidden('This action is unauthorized.', { permission: key });
}
