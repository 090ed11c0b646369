import { ERROR_CODES } from '@contracts/errors';
import { badRequest, conflict, httpError, type HttpError } from '../../http/errors';

/** The typed refusals of the databases room (DESIGN §15), each with its status. */
export const databaseLimitReached = (limit: number) =>
  badRequest(`Operation aborted: creating a new database would put this server over the defined limit of ${limit} database${limit === 1 ? '' : 's'} (database_limit).`,
    { source_field: 'database', rule: 'database_limit', limit });

export const databasesDisabled = () =>
  badRequest('Databases are disabled for this server (its database_limit is 0).', { source_field: 'database', rule: 'database_limit', limit: 0 });

export const duplicateDatabase = () =>
  conflict('A database with that name already exists for this server.', { source_field: 'database', rule: 'unique' });

export const noDatabaseHost = (): HttpError =>
  httpError(501, 'NoSuitableDatabaseHostException',
    'Databases are unavailable: no database host is registered for this server\'s node (an administrator adds one with database-host:create).');

export const hostsFull = (): HttpError =>
  httpError(503, 'NoSuitableDatabaseHostException', 'Every database host for this server is full (max_databases reached); ask an administrator to add room.');

export const hostUnavailable = (name: string): HttpError =>
  httpError(503, 'DatabaseHostUnavailableException',
    `The database host "${name}" cannot be reached right now, so nothing was changed. Try again later or ask an administrator.`,
    { host: name });

export const hostLoginRefused = (name: string): HttpError =>
  httpError(503, 'DatabaseHostUnavailableException',
    `The database host "${name}" refused its admin account's sign-in, so nothing was changed. An administrator should check the host's username and password.`,
    { host: name });

export const hostRefused = (name: string): HttpError =>
  httpError(503, 'DatabaseHostUnavailableException',
    `The database host "${name}" refused the operation, so nothing was changed. An administrator should check its admin account.`,
    { host: name });

export const hostCredentialsUnreadable = (name: string): HttpError =>
  httpError(503, 'DatabaseHostUnavailableException',
    `The admin password of database host "${name}" cannot be decrypted with this panel's APP_KEY.`, { host: name });

export const unexpectedCode = ERROR_CODES.unexpected;
