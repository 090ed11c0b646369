import { z } from 'zod';
import { pingHost } from '@db/hosts/host-databases';
import { ADMIN_USER } from '@db/hosts/identifiers';
import { findDatabaseHostByName, findNodeByUuidOrName, insertDatabaseHost } from '@db/repositories/databases';
import { isDuplicateEntry } from '@db/repositories/subusers';
import type { Executor } from '@db/client';
import type { DatabaseHostRow } from '@db/schema/databases';
import type { AppContext } from '../../context';
import { conflict, fromZod, validationError } from '../../http/errors';
import { onHost } from './host-access';
import { sealHostPassword } from './secrets';

export const databaseHostInput = z.object({
  name: z.string().trim().min(1).max(191),
  host: z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9.:\-[\]]+$/, 'must be a host name or an IP address'),
  port: z.coerce.number().int().min(1).max(65535).default(3306),
  username: z.string().regex(ADMIN_USER, 'may contain only letters, digits, _ . and - (at most 80)'),
  password: z.string().max(1024).default(''),
  max_databases: z.coerce.number().int().min(0).nullable().default(null),
  /** A node's uuid or name; unset → the host serves every node. */
  node: z.string().min(1).optional(),
});
export type DatabaseHostInput = z.input<typeof databaseHostInput>;

export type HostContext = Pick<AppContext, 'db' | 'secrets' | 'clock' | 'logger'>;

/** Runs in the transaction that writes the host, after the write (an admin action's audit row). */
export type WithinHostWrite = (tx: Executor, host: DatabaseHostRow) => Promise<void>;

/**
 * Registers a database host (admins, DESIGN §15): the admin account is tried first, so a host is only saved when
 * Cohost can reach it; the password is kept sealed with APP_KEY.
 */
export async function createDatabaseHost(app: HostContext, raw: DatabaseHostInput, options: { managed?: boolean; within?: WithinHostWrite } = {}): Promise<DatabaseHostRow> {
  const parsed = databaseHostInput.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const input = parsed.data;
  if (await findDatabaseHostByName(app.db, input.name)) throw conflict(`A database host named "${input.name}" already exists.`, { source_field: 'name' });
  let nodeId: number | null = null;
  if (input.node !== undefined) {
    const node = await findNodeByUuidOrName(app.db, input.node);
    if (!node) throw validationError('node', `No node is named or has the uuid "${input.node}".`, 'exists');
    nodeId = node.id;
  }
  const now = app.clock.now();
  const row = {
    name: input.name, host: input.host, port: input.port, username: input.username,
    password: sealHostPassword(app.secrets.appKey, input.password), maxDatabases: input.max_databases, nodeId,
    managed: options.managed === true, createdAt: now, updatedAt: now,
  };
  // The same check Pterodactyl's host creation makes: connect as the admin before saving anything.
  await onHost(app, { ...row, id: 0 }, (conn) => pingHost(conn));
  try {
    return await app.db.transaction(async (tx) => {
      const host = await insertDatabaseHost(tx, row);
      await options.within?.(tx, host);
      return host;
    });
  } catch (err) {
    if (isDuplicateEntry(err)) throw conflict(`A database host named "${input.name}" already exists.`, { source_field: 'name' });
    throw err;
  }
}
