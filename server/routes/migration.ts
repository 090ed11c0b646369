import { z } from 'zod';
import { reply, route } from '../http/manifest';
import { cancelMigration } from '../services/migration/cancel-migration';
import { migrationBody } from '../services/migration/inputs';
import { startMigration } from '../services/migration/start-migration';
import { listServerMigrations, viewMigration } from '../services/migration/view-migrations';

const S = '/api/client/servers/:server';
const uuidOf = (params: Readonly<Record<string, string>>) => z.uuid().safeParse(params.migration).data ?? '00000000-0000-0000-0000-000000000000';

/**
 * Migration in (DESIGN §18). Reading the history and cancelling stay open while the server is `migrating` (that is
 * when they matter); everything else of the server answers 409 meanwhile.
 */
export const migrationRoutes = [
  route({
    method: 'GET', path: `${S}/migrations`, need: 'migration.read', duringTransient: true,
    handler: async ({ app, access }) => listServerMigrations(app, access),
  }),
  route({
    method: 'POST', path: `${S}/migrations`, need: 'migration.create', body: migrationBody,
    handler: async ({ app, actor, access, body }) => reply(202, await startMigration(app, actor, access, body)),
  }),
  route({
    method: 'GET', path: `${S}/migrations/:migration`, need: 'migration.read', duringTransient: true,
    handler: async ({ app, access, params }) => viewMigration(app, access, uuidOf(params)),
  }),
  route({
    method: 'POST', path: `${S}/migrations/:migration/cancel`, need: 'migration.create', duringTransient: true,
    handler: async ({ app, actor, access, params }) => {
      const { item, ended } = await cancelMigration(app, actor, access, uuidOf(params));
      return reply(ended ? 200 : 202, item);
    },
  }),
  route({
    method: 'DELETE', path: `${S}/migrations/:migration`, need: 'migration.create', duringTransient: true,
    handler: async ({ app, actor, access, params }) => {
      const { item, ended } = await cancelMigration(app, actor, access, uuidOf(params));
      return reply(ended ? 200 : 202, item);
    },
  }),
];
