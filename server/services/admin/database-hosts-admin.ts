import { z } from 'zod';
import { pingHost } from '@db/hosts/host-databases';
import { ADMIN_USER } from '@db/hosts/identifiers';
import { countDatabasesOnHost, findDatabaseHostByName, lockDatabaseHost, updateDatabaseHost } from '@db/repositories/databases';
import type { DatabaseHostRow } from '@db/schema/databases';
import type { AppContext } from '../../context';
import { conflict, notFound } from '../../http/errors';
import type { Actor } from '../../http/types';
import { createDatabaseHost, type DatabaseHostInput } from '../databases/create-database-host';
import { onHost } from '../databases/host-access';
import { hostSummary, listHostSummaries, removeDatabaseHost } from '../databases/manage-database-hosts';
import { sealHostPassword } from '../databases/secrets';
import { diff, logAdminAction } from './audit';

/**
 * Database hosts under admin keys (DESIGN §15, §21): the CLI's services, with the audit row written inside the
 * transaction that writes the host, so a host never changes without its `admin:database-host.*` entry.
 */
const item = (host: DatabaseHostRow, databases: number) => ({ object: 'database_host' as const, attributes: hostSummary(host, databases) });

export async function listDatabaseHostItems(app: AppContext) {
  return { object: 'list' as const, data: (await listHostSummaries(app)).map((h) => ({ object: 'database_host' as const, attributes: h })) };
}

export async function createDatabaseHostAsAdmin(app: AppContext, actor: Actor, input: DatabaseHostInput) {
  const host = await createDatabaseHost(app, input, {
    within: (tx, h) => logAdminAction(tx, app.clock, actor, 'database-host.create', { host: h.name, new: { host: h.host, port: h.port, username: h.username, max_databases: h.maxDatabases } }),
  });
  return item(host, 0);
}

export async function deleteDatabaseHostAsAdmin(app: AppContext, actor: Actor, name: string): Promise<void> {
  await removeDatabaseHost(app, name, (tx, h) => logAdminAction(tx, app.clock, actor, 'database-host.delete', { host: h.name }));
}

export const databaseHostPatch = z.object({
  host: z.string().trim().min(1).max(255).regex(/^[A-Za-z0-9.:\-[\]]+$/, 'must be a host name or an IP address').optional(),
  port: z.coerce.number().int().min(1).max(65535).optional(),
  username: z.string().regex(ADMIN_USER, 'may contain only letters, digits, _ . and - (at most 80)').optional(),
  password: z.string().max(1024).optional(),
  max_databases: z.coerce.number().int().min(0).nullable().optional(),
});
export type DatabaseHostPatch = z.infer<typeof databaseHostPatch>;

const connectionOf = (h: Pick<DatabaseHostRow, 'host' | 'port' | 'username'>) => ({ host: h.host, port: h.port, username: h.username });

/**
 * Edits a host. When the address or the admin account changes, the new one is reached before anything is saved (as
 * at creation); a managed host (the private MariaDB the panel registers at boot) keeps its connection, which the
 * panel rewrites at every start, so only its `max_databases` may change.
 */
export async function updateDatabaseHostAsAdmin(app: AppContext, actor: Actor, name: string, patch: DatabaseHostPatch) {
  const before = await findDatabaseHostByName(app.db, name);
  if (!before) throw notFound(`No database host is named "${name}".`);
  const touchesConnection = (['host', 'port', 'username', 'password'] as const).some((k) => patch[k] !== undefined);
  if (before.managed && touchesConnection) throw conflict(`"${name}" is the panel's own MariaDB; its address and account are set at every start.`);
  const next: DatabaseHostRow = {
    ...before, ...(patch.host !== undefined ? { host: patch.host } : {}), ...(patch.port !== undefined ? { port: patch.port } : {}),
    ...(patch.username !== undefined ? { username: patch.username } : {}),
    ...(patch.max_databases !== undefined ? { maxDatabases: patch.max_databases } : {}),
    password: patch.password !== undefined ? sealHostPassword(app.secrets.appKey, patch.password) : before.password,
  };
  if (touchesConnection) await onHost(app, next, (conn) => pingHost(conn));
  return app.db.transaction(async (tx) => {
    const locked = await lockDatabaseHost(tx, before.id);
    if (!locked) throw notFound(`No database host is named "${name}".`);
    if (locked.updatedAt.getTime() !== before.updatedAt.getTime()) throw conflict(`The database host "${name}" changed while it was being edited; try again.`);
    const change = diff({ ...connectionOf(locked), max_databases: locked.maxDatabases }, { ...connectionOf(next), max_databases: next.maxDatabases });
    // Nothing to change (the same values sent again): no write and no audit row.
    if (!change && patch.password === undefined) return item(locked, await countDatabasesOnHost(tx, locked.id));
    const now = app.clock.now();
    await updateDatabaseHost(tx, locked.id, {
      host: next.host, port: next.port, username: next.username, password: next.password, maxDatabases: next.maxDatabases,
    }, now);
    await logAdminAction(tx, app.clock, actor, 'database-host.update', {
      host: locked.name, ...(change ?? { old: {}, new: {} }), ...(patch.password !== undefined ? { password_changed: true } : {}),
    });
    return item({ ...next, updatedAt: now }, await countDatabasesOnHost(tx, locked.id));
  });
}
