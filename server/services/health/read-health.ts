import { findHealthReport, saveHealthReport } from '@db/repositories/health';
import type { AppContext } from '../../context';
import { forbidden } from '../../http/errors';
import type { ServerAccess } from '../../http/types';
import { HEALTH_CHECKS } from './checks';
import type { HealthResult } from './checks/types';

interface Entry extends HealthResult { readonly check: string }

async function runChecks(app: AppContext, access: ServerAccess): Promise<Entry[]> {
  return Promise.all(HEALTH_CHECKS.map(async (c): Promise<Entry> => {
    try {
      return { check: c.name, ...(await c.run(app, access.server)) };
    } catch (err) {
      app.logger.warn({ err, check: c.name }, 'health check failed to run');
      return { check: c.name, status: 'warn', detail: 'This check could not run.', recommendation: 'Try again in a moment; if it persists, tell the panel administrator.' };
    }
  }));
}

/**
 * `GET /servers/{server}/health` (health.read): the checks of DESIGN §18. The report is stored and served again for
 * HEALTH_CACHE_SECONDS (to every member, from every instance); `refresh` recomputes it at once.
 */
export async function readHealth(app: AppContext, access: ServerAccess, refresh: boolean) {
  if (!access.permissions.has('health.read')) throw forbidden('This action is unauthorized.', { permission: 'health.read' });
  const now = app.clock.now();
  const cached = refresh ? null : await findHealthReport(app.db, access.server.id);
  const fresh = cached && now.getTime() - cached.checkedAt.getTime() < app.config.HEALTH_CACHE_SECONDS * 1000;
  let results: Entry[];
  let checkedAt: Date;
  if (cached && fresh) {
    results = cached.results as Entry[];
    checkedAt = cached.checkedAt;
  } else {
    results = await runChecks(app, access);
    checkedAt = now;
    await saveHealthReport(app.db, { serverId: access.server.id, results, checkedAt });
  }
  return {
    object: 'list',
    data: results.map((r) => ({ object: 'health_check', attributes: { check: r.check, status: r.status, detail: r.detail, recommendation: r.recommendation } })),
    meta: { checked_at: checkedAt.toISOString(), cached: Boolean(cached && fresh), cache_seconds: app.config.HEALTH_CACHE_SECONDS },
  };
}
