import { findUserById } from '@db/repositories/users';
import type { PrincipalUser } from '@db/repositories/principal';
import type { Executor } from '@db/client';
import { verifyPassword } from '../../auth/passwords';
import { validationError } from '../../http/errors';

/**
 * Sensitive account changes need the current password; a wrong one is a 422 naming the field it came in. The hash is
 * read here, for this check only: the user a request carries has no secrets (PrincipalUser).
 */
export async function requirePassword(db: Executor, user: PrincipalUser, password: string, field: string): Promise<void> {
  const hash = (await findUserById(db, user.id))?.password ?? null;
  // An account linked to the host's identity (DESIGN §23) has none: the host's credential on this request stands in.
  if (hash === null && user.externalId !== null) return;
  if (password === '') throw validationError(field, `The ${field.replace(/_/g, ' ')} field is required.`, 'required');
  if (!(await verifyPassword(hash, password))) {
    throw validationError(field, 'The password provided was invalid for this account.', 'current_password');
  }
}
