import { forbidden, notFound, validationError, type HttpError } from '../../http/errors';

/** The typed refusals of the role rules (DESIGN §20). */
export const roleNotFound = () => notFound('The requested role could not be found.');

export const unknownRole = () =>
  validationError('role', 'That role does not exist or does not belong to the owner of this server.', 'exists');

export const duplicateRoleName = () => validationError('name', 'You already have a role with that name.', 'unique');

export const builtinReadOnly = () => forbidden('Built-in roles cannot be changed or deleted; create your own role instead.');

export const onlyRoleOwner = () => forbidden('Only the owner of a role can delete it.');

/** The editor lacks user.update or a changed key on a server the role is used on. */
export function roleEditDenied(server: string, keys: readonly string[]): HttpError {
  const what = keys.length ? `the permissions ${keys.join(', ')}` : 'user.update';
  return forbidden(`This role is used on server ${server}, where you do not hold ${what}.`, { server, permissions: [...keys] });
}
