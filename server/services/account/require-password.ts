import type { UserRow } from '@db/schema/users';
import { verifyPassword } from '../../auth/passwords';
import { validationError } from '../../http/errors';

/** Sensitive account changes need the current password; a wrong one is a 422 naming the field it came in. */
export async function requirePassword(user: UserRow, password: string, field: string): Promise<void> {
  if (!(await verifyPassword(user.password, password))) {
    throw validationError(field, 'The password provided was invalid for this account.', 'current_password');
  }
}
