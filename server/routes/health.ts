import { z } from 'zod';
import { route } from '../http/manifest';
import { readHealth } from '../services/health/read-health';

const healthQuery = z.object({
  /** Any of `refresh`, `refresh=1`, `refresh=true` recomputes the report instead of serving the cached one. */
  refresh: z.enum(['', '1', 'true', '0', 'false']).optional(),
}).loose();

/** Health checks (DESIGN §18). */
export const healthRoutes = [
  route({
    method: 'GET', path: '/api/client/servers/:server/health', need: 'health.read', query: healthQuery,
    handler: async ({ app, access, query }) => readHealth(app, access, query.refresh !== undefined && query.refresh !== '0' && query.refresh !== 'false'),
  }),
];
