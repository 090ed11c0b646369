import { z } from 'zod';
import { route } from '../http/manifest';
import { activityCsv, EXPORT_LIMIT, listActivity } from '../services/subusers/list-activity';

const activityQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(25),
  'filter[event]': z.string().min(1).max(191).optional(),
  'filter[actor]': z.uuid().optional(),
  format: z.enum(['csv', 'json']).optional(),
}).loose();

/** A server's activity log (DESIGN §9): paginated, filterable, exportable as CSV or JSON. */
export const activityRoutes = [
  route({
    method: 'GET', path: '/api/client/servers/:server/activity', need: 'activity.read', query: activityQuery,
    handler: async ({ app, actor, access, query, res }) => {
      const exporting = query.format !== undefined;
      const list = await listActivity(app, actor, access, {
        page: exporting ? 1 : query.page, perPage: exporting ? EXPORT_LIMIT : query.per_page,
        event: query['filter[event]'], actorUuid: query['filter[actor]'],
      });
      if (!exporting) return list;
      const name = `activity-${access.server.identifier}.${query.format}`;
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      if (query.format === 'csv') res.type('text/csv; charset=utf-8').send(activityCsv(list.data));
      else res.type('application/json').send(JSON.stringify({ object: 'list', data: list.data }));
      return undefined;
    },
  }),
];
