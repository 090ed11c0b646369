import { api } from './http';
import type { Item } from './types';

export interface HealthCheckResult {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  recommendation: string;
}

export interface HealthReport {
  checks: HealthCheckResult[];
  checkedAt: string;
  cached: boolean;
}

export const healthApi = {
  read: async (server: string, refresh = false): Promise<HealthReport> => {
    const res = await api.get<{ data: Item<HealthCheckResult>[]; meta: { checked_at: string; cached: boolean } }>(
      `/api/client/servers/${encodeURIComponent(server)}/health`, refresh ? { refresh: 1 } : undefined);
    return { checks: res.data.map((d) => d.attributes), checkedAt: res.meta.checked_at, cached: res.meta.cached };
  },
};
