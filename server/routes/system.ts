import { z } from 'zod';
import { systemPermissions } from '@contracts/permissions';
import { listServersForUser } from '@db/repositories/servers';
import { route } from '../http/manifest';
import { accessFrom } from '../services/server-access';
import { invocationFor } from '../services/startup/invocation';
import { serverItem, serverView } from '../services/transformers';
import { allocationRelationship } from '../services/network/list-allocations';

export const systemRoutes = [
  route({
    method: 'GET', path: '/api/health', need: 'public',
    handler: async ({ app }) => {
      // The callback pool under the promise one: no per-query stack capture on a route load balancers poll.
      await new Promise<void>((resolve, reject) => app.pool.pool.query('SELECT 1', (err) => (err ? reject(err) : resolve())));
      return { ok: true, db: 'up' };
    },
  }),
  route({
    method: 'GET', path: '/api/client/permissions', need: 'auth',
    handler: async () => systemPermissions(),
  }),
  route({
    method: 'GET', path: '/api/client', need: 'auth',
    // Filters are accepted for compatibility but never widen the list beyond servers the actor owns or belongs to.
    query: z.object({ page: z.coerce.number().int().min(1).default(1) }).loose(),
    handler: async ({ app, actor }) => {
      const rows = await listServersForUser(app.db, actor.user.id);
      return {
        object: 'list',
        data: await Promise.all(rows.map(async (r) => serverItem(r.server, r.server.ownerId === actor.user.id,
          await invocationFor(app.db, r.server, accessFrom(actor.user, r.server, r.subuser)?.permissions.has('startup.read') ?? false)))),
        meta: { pagination: { total: rows.length, count: rows.length, per_page: rows.length, current_page: 1, total_pages: 1, links: {} } },
      };
    },
  }),
  route({
    method: 'GET', path: '/api/client/servers/:server', need: 'access', duringTransient: true, withAllocations: true,
    handler: async ({ app, access }) => serverView(access,
      await invocationFor(app.db, access.server, access.permissions.has('startup.read')),
      { allocations: await allocationRelationship(app, access) }),
  }),
];
