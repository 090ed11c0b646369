import mysql from 'mysql2/promise';

/** How to reach a database host as its admin account (the password already opened from its APP_KEY seal). */
export interface HostCredentials {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
}

/** The host could not be reached or refused the admin account: nothing was done on it. */
export class HostUnavailableError extends Error {
  constructor(readonly reason: string, options?: { cause?: unknown }) {
    super(`database host unavailable: ${reason}`, options);
  }
}

/** Errors that mean the connection itself is gone (after it was opened; any failure to open counts as well). */
const UNREACHABLE = new Set([
  'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE',
  'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED',
]);

export function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function isUnreachable(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && UNREACHABLE.has(code);
}

/**
 * Runs `fn` on one fresh connection to a database host (the only place that opens one; the panel keeps no pool to
 * hosts, which are used a few times a day). Connection failures become HostUnavailableError.
 */
export async function withHostConnection<T>(creds: HostCredentials, fn: (conn: mysql.Connection) => Promise<T>, timeoutMs = 5_000): Promise<T> {
  let conn: mysql.Connection;
  try {
    conn = await mysql.createConnection({
      host: creds.host, port: creds.port, user: creds.username, password: creds.password,
      connectTimeout: timeoutMs, charset: 'utf8mb4_unicode_ci', multipleStatements: false,
    });
  } catch (err) {
    throw new HostUnavailableError(errorCode(err) ?? (err instanceof Error ? err.message : String(err)), { cause: err });
  }
  try {
    return await fn(conn);
  } catch (err) {
    if (isUnreachable(err)) throw new HostUnavailableError(errorCode(err) ?? 'connection lost', { cause: err });
    throw err;
  } finally {
    await conn.end().catch(() => conn.destroy());
  }
}
