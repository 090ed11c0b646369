import type { UserRow } from '@db/schema/users';
import { verifyPassword } from '../../auth/passwords';
import { validationError } from '../../http/errors';

/** Sensitive account changes need the current password; a wrong one is a 422 naming the field it came in. */
export async function requirePassword(user: UserRow, password: string, field: string): Promise<void> {
  // An account linked to the host's identity (DESIGN §23) has none: the host's credential on this request stands in.
  if (user.password === null && user.externalId !== null) return;
  if (password === '') throw validationError(field, `The ${field.replace(/_/g, ' ')} field is required.`, 'required');
  if (!(await verifyPassword(user.password, password))) {
    throw validationError(field, 'The password provided was invalid for this account.', 'current_password');
  }
}
