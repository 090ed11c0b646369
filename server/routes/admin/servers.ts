import { z } from 'zod';
import { reply, route } from '../../http/manifest';
import { createServerAsAdmin, deleteServerAsAdmin, findServerForAdmin, listServersForAdmin, setServerSuspended, updateServerBuild } from '../../services/admin/servers';
import { applicationServerItem } from '../../services/admin/transformers';
import { pageQuery } from './query';

const P = '/api/application/servers';
const limit = z.number().int().min(0).max(1_000_000).nullable().optional();
const buildBody = z.object({
  memory: limit, disk: limit,
  feature_limits: z.object({ databases: limit, allocations: limit, backups: limit, schedules: limit, proxies: limit }).optional(),
});

/** Servers under the admin API, in Pterodactyl's application shapes (`{server}` is the numeric id). */
export const adminServerRoutes = [
  route({
    method: 'GET', path: P, need: 'admin:servers.view', query: z.object({ ...pageQuery, search: z.string().max(191).optional() }),
    handler: async ({ app, query }) => listServersForAdmin(app, query.search, query.page, query.per_page),
  }),
  route({
    method: 'POST', path: P, need: 'admin:servers.create',
    body: z.object({
      name: z.string().min(1).max(191), user: z.number().int().positive(), software: z.string().min(1).max(64).optional(),
      startup: z.string().min(1).max(4096).optional(), description: z.string().max(2000).optional(), feature_limits: buildBody.shape.feature_limits,
    }).refine((v) => v.software !== undefined || v.startup !== undefined, { message: 'Give a software or a startup command.', path: ['software'] }),
    handler: async ({ app, actor, body }) => reply(201, applicationServerItem(await createServerAsAdmin(app, actor, body))),
  }),
  route({
    method: 'GET', path: `${P}/:id`, need: 'admin:servers.view',
    handler: async ({ app, params }) => applicationServerItem(await findServerForAdmin(app, params.id ?? '')),
  }),
  route({
    method: 'DELETE', path: `${P}/:id`, need: 'admin:servers.delete',
    handler: async ({ app, actor, params }) => {
      const { uuid, jobs } = await deleteServerAsAdmin(app, actor, (await findServerForAdmin(app, params.id ?? '')).id);
      return reply(202, { object: 'server_deletion', attributes: { server: uuid, jobs } });
    },
  }),
  route({
    method: 'POST', path: `${P}/:id/suspend`, need: 'admin:servers.suspend',
    handler: async ({ app, actor, params }) => { await setServerSuspended(app, actor, (await findServerForAdmin(app, params.id ?? '')).id, true); },
  }),
  route({
    method: 'POST', path: `${P}/:id/unsuspend`, need: 'admin:servers.suspend',
    handler: async ({ app, actor, params }) => { await setServerSuspended(app, actor, (await findServerForAdmin(app, params.id ?? '')).id, false); },
  }),
  route({
    method: 'PATCH', path: `${P}/:id/build`, need: 'admin:servers.update', body: buildBody,
    example: { body: { feature_limits: { backups: 3 } } },
    handler: async ({ app, actor, params, body }) =>
      applicationServerItem(await updateServerBuild(app, actor, (await findServerForAdmin(app, params.id ?? '')).id, body)),
  }),
];
