import type mysql from 'mysql2/promise';
import { HostUnavailableError, withHostConnection } from '@db/hosts/host-connection';
import { HostNameTakenError } from '@db/hosts/host-databases';
import type { DatabaseHostRow } from '@db/schema/databases';
import type { AppContext } from '../../context';
import { duplicateDatabase, hostCredentialsUnreadable, hostLoginRefused, hostRefused, hostUnavailable } from './errors';
import { openHostPassword } from './secrets';

/**
 * Runs `fn` on the host as its admin account and turns what can go wrong there into the room's HTTP errors: down or
 * refusing the admin → 503; a name already taken on the host → 409; any other refusal → 503 (logged).
 */
export async function onHost<T>(app: Pick<AppContext, 'secrets' | 'logger'>, host: DatabaseHostRow, fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const password = openHostPassword(app.secrets.appKey, host.password);
  if (password === null) throw hostCredentialsUnreadable(host.name);
  try {
    return await withHostConnection({ host: host.host, port: host.port, username: host.username, password }, fn);
  } catch (err) {
    if (err instanceof HostUnavailableError) {
      app.logger.warn({ err, host: host.name }, 'database host unavailable');
      throw err.reason.startsWith('ER_ACCESS_DENIED') ? hostLoginRefused(host.name) : hostUnavailable(host.name);
    }
    if (err instanceof HostNameTakenError) throw duplicateDatabase();
    app.logger.error({ err, host: host.name }, 'database host refused an operation');
    throw hostRefused(host.name);
  }
}
