import { ERROR_CODES } from '@contracts/errors';
import { conflict, forbidden, httpError, validationError, type HttpError } from '../../http/errors';

/** The typed refusals of the subuser rules (DESIGN §4), each with its documented status. */
export function unknownPermissions(keys: readonly string[]): HttpError {
  return httpError(422, ERROR_CODES.validation, `Unknown permissions: ${keys.join(', ')}.`, {
    source_field: 'permissions', rule: 'in', permissions: keys,
  });
}

export function permissionsNotHeld(keys: readonly string[]): HttpError {
  return forbidden(`You cannot assign or remove permissions you do not hold: ${keys.join(', ')}.`, { permissions: keys });
}

export const cannotEditSelf = () => forbidden('You cannot view, edit or remove your own subuser entry.');

export const ownerCannotBeSubuser = () =>
  validationError('email', 'The server owner cannot be added as a subuser.', 'not_owner');

export const duplicateSubuser = () =>
  conflict('A user with that email address is already assigned as a subuser for this server.', { source_field: 'email' });

export const notAwaitingInvite = () => conflict('This subuser has already accepted their invite.');

export const inviteNotFound = () =>
  httpError(404, 'InviteNotFoundException', 'This invite link is not valid. It may have been used already or replaced by a newer one.');

export const inviteExpired = () =>
  httpError(410, 'InviteExpiredException', 'This invite link has expired. Ask the server owner to send a new one.');
