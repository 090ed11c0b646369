import { withHostConnection } from '@db/hosts/host-connection';
import { ensureHostAdmin } from '@db/hosts/host-databases';
import { findDatabaseHostByName, findManagedDatabaseHost, insertDatabaseHost, updateDatabaseHost } from '@db/repositories/databases';
import type { DatabaseHostRow } from '@db/schema/databases';
import type { HostContext } from './create-database-host';
import { newDatabasePassword, openHostPassword, sealHostPassword } from './secrets';

/** The dedicated admin account of the private MariaDB (never root; see ensureHostAdmin for what it may do). */
export const PRIVATE_HOST_ADMIN = 'cohost_dbhost';
const ADDRESS = '127.0.0.1';

/**
 * With the private MariaDB of `npm start` (no DATABASE_URL), the panel registers that server as its default
 * database host at every boot: it makes (or re-passwords) the dedicated admin account as root, and refreshes the
 * port, which changes at every start. `rootUrl` is the private server's root URL (mysql://root@127.0.0.1:port/…).
 */
export async function registerPrivateHost(app: HostContext, rootUrl: string): Promise<DatabaseHostRow> {
  const url = new URL(rootUrl);
  const port = Number(url.port);
  const existing = await findManagedDatabaseHost(app.db);
  const kept = existing ? openHostPassword(app.secrets.appKey, existing.password) : null;
  const password = kept ?? newDatabasePassword(32);
  await withHostConnection(
    { host: url.hostname, port, username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
    (root) => ensureHostAdmin(root, { username: PRIVATE_HOST_ADMIN, remote: ADDRESS, password }),
  );
  const now = app.clock.now();
  if (existing) {
    await updateDatabaseHost(app.db, existing.id, {
      host: ADDRESS, port, username: PRIVATE_HOST_ADMIN, ...(kept === null ? { password: sealHostPassword(app.secrets.appKey, password) } : {}),
    }, now);
    return { ...existing, host: ADDRESS, port, username: PRIVATE_HOST_ADMIN };
  }
  const name = (await findDatabaseHostByName(app.db, 'default')) ? 'private-mariadb' : 'default';
  const host = await insertDatabaseHost(app.db, {
    name, host: ADDRESS, port, username: PRIVATE_HOST_ADMIN, password: sealHostPassword(app.secrets.appKey, password),
    maxDatabases: null, nodeId: null, managed: true, createdAt: now, updatedAt: now,
  });
  app.logger.info({ host: host.name, port }, 'registered the private MariaDB as the default database host');
  return host;
}
