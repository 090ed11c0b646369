import { findMigration, listMigrations } from '@db/repositories/migrations';
import type { AppContext } from '../../context';
import { forbidden, notFound } from '../../http/errors';
import type { ServerAccess } from '../../http/types';
import { migrationItem } from './transform';

const HISTORY = 100;

function requireRead(access: ServerAccess): void {
  if (!access.permissions.has('migration.read')) throw forbidden('This action is unauthorized.', { permission: 'migration.read' });
}

/** `GET /servers/{server}/migrations` (migration.read): the last 100 migrations, newest first. */
export async function listServerMigrations(app: AppContext, access: ServerAccess) {
  requireRead(access);
  const rows = await listMigrations(app.db, access.server.id, HISTORY);
  return { object: 'list', data: rows.map(migrationItem) };
}

/** `GET /servers/{server}/migrations/{migration}` (migration.read). */
export async function viewMigration(app: AppContext, access: ServerAccess, uuid: string) {
  requireRead(access);
  const row = await findMigration(app.db, access.server.id, uuid);
  if (!row) throw notFound();
  return migrationItem(row);
}
