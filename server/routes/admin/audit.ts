import { z } from 'zod';
import { listRecentJobs } from '@db/repositories/admin-lists';
import { reply, route } from '../../http/manifest';
import { AUDIT_EXPORT_LIMIT, auditCsv, listAuditLog } from '../../services/admin/list-audit';
import { addSshKeyForUser, deleteSshKeyForAdmin, listSshKeysForAdmin } from '../../services/admin/ssh-keys';
import { paginated } from '../../services/admin/transformers';
import { pageQuery } from './query';

const auditQuery = z.object({
  ...pageQuery,
  'filter[event]': z.string().min(1).max(191).optional(),
  'filter[actor]': z.uuid().optional(),
  format: z.enum(['csv', 'json']).optional(),
});

function jobItem(job: Awaited<ReturnType<typeof listRecentJobs>>['rows'][number]) {
  return {
    object: 'task' as const,
    attributes: {
      id: job.id, kind: job.kind, payload: job.payload, status: job.status, attempts: job.attempts, max_attempts: job.maxAttempts,
      last_error: job.lastError, run_at: job.runAt.toISOString(), created_at: job.createdAt.toISOString(),
      finished_at: job.finishedAt?.toISOString() ?? null,
    },
  };
}

/** The audit log (filter, CSV/JSON export), the runner's Tasks, and the global SSH key list (DESIGN §21). */
export const adminAuditRoutes = [
  route({
    method: 'GET', path: '/api/application/audit', need: 'admin:audit.view', query: auditQuery,
    handler: async ({ app, query, res }) => {
      const filter = { event: query['filter[event]'], actorUuid: query['filter[actor]'] };
      if (!query.format) return listAuditLog(app, { ...filter, page: query.page, perPage: query.per_page });
      const all = await listAuditLog(app, { ...filter, page: 1, perPage: AUDIT_EXPORT_LIMIT });
      const stamp = new Date().toISOString().slice(0, 10);
      res.setHeader('Content-Disposition', `attachment; filename="audit-${stamp}.${query.format}"`);
      if (query.format === 'json') return all.data;
      res.type('text/csv').send(auditCsv(all.data));
      return undefined;
    },
  }),
  route({
    method: 'GET', path: '/api/application/tasks', need: 'admin:tasks.view',
    query: z.object({ ...pageQuery, 'filter[kind]': z.string().max(64).optional() }),
    handler: async ({ app, query }) => {
      const kinds = query['filter[kind]'] ? [query['filter[kind]']] : undefined;
      const { rows, total } = await listRecentJobs(app.db, kinds, { limit: query.per_page, offset: (query.page - 1) * query.per_page });
      return paginated(rows.map(jobItem), total, query.page, query.per_page);
    },
  }),
  route({
    method: 'GET', path: '/api/application/ssh-keys', need: 'admin:ssh-keys.view',
    query: z.object({ ...pageQuery, search: z.string().max(191).optional(), 'filter[fingerprint]': z.string().max(64).optional() }),
    handler: async ({ app, query }) => listSshKeysForAdmin(app, query['filter[fingerprint]'] ?? query.search, query.page, query.per_page),
  }),
  route({
    method: 'POST', path: '/api/application/ssh-keys', need: 'admin:ssh-keys.create',
    body: z.object({ user: z.number().int().positive(), name: z.string().trim().min(1).max(191), public_key: z.string().min(1).max(16_384) }),
    handler: async ({ app, actor, body }) => {
      const key = await addSshKeyForUser(app, actor, body);
      return reply(201, { object: 'ssh_key', attributes: { id: key.id, name: key.name, fingerprint: key.fingerprint, public_key: key.publicKey, created_at: key.createdAt.toISOString() } });
    },
  }),
  route({
    method: 'DELETE', path: '/api/application/ssh-keys/:id', need: 'admin:ssh-keys.delete',
    handler: async ({ app, actor, params }) => { await deleteSshKeyForAdmin(app, actor, /^\d{1,18}$/.test(params.id ?? '') ? Number(params.id) : 0); },
  }),
];
