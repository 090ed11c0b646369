import { route } from '../http/manifest';
import { createDatabase } from '../services/databases/create-database';
import { deleteDatabase } from '../services/databases/delete-database';
import { createDatabaseBody, listDatabasesQuery, wantsPassword } from '../services/databases/inputs';
import { listDatabases } from '../services/databases/list-databases';
import { rotateDatabasePassword } from '../services/databases/rotate-database-password';
import { canViewPassword, serverDatabaseItem } from '../services/databases/transform';

const base = '/api/client/servers/:server/databases';

/**
 * Pterodactyl's database routes (DESIGN §15); `:database` is the public id. Passwords appear only for holders of
 * database.view_password: on the list when `?include=password` is asked, always on create and rotate.
 */
export const databaseRoutes = [
  route({
    method: 'GET', path: base, need: 'database.read', query: listDatabasesQuery,
    handler: async ({ app, access, query }) => {
      const show = wantsPassword(query) && canViewPassword(access);
      const rows = await listDatabases(app, access);
      return { object: 'list', data: rows.map((r) => serverDatabaseItem(app.secrets.appKey, r, show)) };
    },
  }),
  route({
    method: 'POST', path: base, need: 'database.create', body: createDatabaseBody,
    example: { body: { database: 'matrix', remote: '%' } },
    handler: async ({ app, actor, access, body }) => {
      const created = await createDatabase(app, actor, access, body);
      return serverDatabaseItem(app.secrets.appKey, created, canViewPassword(access));
    },
  }),
  route({
    method: 'POST', path: `${base}/:database/rotate-password`, need: 'database.update',
    handler: async ({ app, actor, access, params }) => {
      const rotated = await rotateDatabasePassword(app, actor, access, params.database ?? '');
      return serverDatabaseItem(app.secrets.appKey, rotated, canViewPassword(access));
    },
  }),
  route({
    method: 'DELETE', path: `${base}/:database`, need: 'database.delete',
    handler: async ({ app, actor, access, params }) => {
      await deleteDatabase(app, actor, access, params.database ?? '');
    },
  }),
];
