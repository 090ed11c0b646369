import { createHostDatabase, dropHostDatabase } from '@db/hosts/host-databases';
import {
  countDatabasesOnHost, countServerDatabases, findServerDatabase, insertServerDatabase, lockDatabaseHost,
  serverHasDatabaseNamed, type DatabaseWithHost,
} from '@db/repositories/databases';
import { isDuplicateEntry } from '@db/repositories/subusers';
import { lockServer } from '@db/repositories/servers';
import type { AppContext } from '../../context';
import { notFound, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { chooseHost } from './choose-host';
import { databaseLimitReached, databasesDisabled, duplicateDatabase, hostsFull } from './errors';
import { onHost } from './host-access';
import type { CreateDatabaseBody } from './inputs';
import { newDatabasePassword, randomAlnum, sealDatabasePassword } from './secrets';

/** MariaDB's limit on database names. */
const MAX_NAME = 64;

/**
 * Creates `s{server_id}_{name}` and its user `u{server_id}_{random}` on a host (DESIGN §15). The server row is locked
 * for the limit check, and the host work is the transaction's last step: a host that is down or refuses leaves no
 * row, and a commit that fails afterwards drops what was created on the host.
 */
export async function createDatabase(app: AppContext, actor: Actor, access: ServerAccess, input: CreateDatabaseBody): Promise<DatabaseWithHost> {
  const server = access.server;
  await app.throttles.hit('database.create', server.id);
  const database = `s${server.id}_${input.database}`;
  if (database.length > MAX_NAME) throw validationError('database', `The database name may be at most ${MAX_NAME - database.length + input.database.length} characters for this server.`, 'max');
  const spec = {
    database, username: `u${server.id}_${randomAlnum(10)}`, remote: input.remote, password: newDatabasePassword(), maxConnections: 0,
  };
  const identifier = randomAlnum(8);
  let provisioned: Awaited<ReturnType<typeof chooseHost>> | null = null;

  try {
    await app.db.transaction(async (tx) => {
      const locked = await lockServer(tx, server.id);
      if (!locked) throw notFound();
      if (locked.databaseLimit === 0) throw databasesDisabled();
      if (locked.databaseLimit !== null && (await countServerDatabases(tx, server.id)) >= locked.databaseLimit) {
        throw databaseLimitReached(locked.databaseLimit);
      }
      if (await serverHasDatabaseNamed(tx, server.id, database)) throw duplicateDatabase();
      const chosen = await chooseHost(tx, locked);
      const host = await lockDatabaseHost(tx, chosen.id);
      if (!host) throw hostsFull();
      if (host.maxDatabases !== null && (await countDatabasesOnHost(tx, host.id)) >= host.maxDatabases) throw hostsFull();
      const now = app.clock.now();
      await insertServerDatabase(tx, {
        identifier, serverId: server.id, hostId: host.id, database, username: spec.username, remote: spec.remote,
        password: sealDatabasePassword(app.secrets.appKey, spec.password), maxConnections: spec.maxConnections,
        createdAt: now, updatedAt: now,
      });
      await logActivity(tx, app.clock, {
        event: 'server:database.create', actor, serverId: server.id,
        properties: { name: database, username: spec.username, connections_from: spec.remote, host: host.name },
      });
      await onHost(app, host, (conn) => createHostDatabase(conn, spec));
      provisioned = host;
    });
  } catch (err) {
    const host = provisioned as Awaited<ReturnType<typeof chooseHost>> | null;
    if (host) {
      // The panel's commit failed after the host work: undo it there, so no orphan database or user remains.
      await onHost(app, host, (conn) => dropHostDatabase(conn, spec)).catch((e: unknown) =>
        app.logger.error({ err: e, database }, 'could not drop a database whose panel row failed to commit'));
    }
    if (isDuplicateEntry(err)) throw duplicateDatabase();
    throw err;
  }

  const created = await findServerDatabase(app.db, server.id, identifier);
  if (!created) throw new Error('created database not found');
  return created;
}
