/**
 * Whether an error means the database cannot be reached right now (refused, dropped, shutting down, too many
 * connections), as opposed to a query that failed on its own. mysql2 errors may arrive wrapped (drizzle's
 * DrizzleQueryError keeps the driver's error as `cause`).
 */
const UNAVAILABLE = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED', 'ER_NORMAL_SHUTDOWN', 'CR_SERVER_GONE_ERROR', 'CR_SERVER_LOST',
  'POOL_CLOSED', 'ER_CLIENT_INTERACTION_TIMEOUT',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNAVAILABLE.has(code)) return true;
    if (typeof message === 'string' && /Pool is closed|Can't add new command when connection is in closed state|Connection lost/i.test(message)) return true;
  }
  return false;
}
