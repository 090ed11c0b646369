import { serverRunSpec } from '@db/repositories/server-environment';
import { limitBytes, mib, type HealthCheck } from './types';
import { WARN_RATIO } from './disk-usage';

/** Memory use of the running process group vs the server's memory limit (servers.memory, MiB). */
export const memoryUsageCheck: HealthCheck = {
  name: 'memory_usage',
  async run(app, server) {
    const stats = await app.daemon.stats(await serverRunSpec(app.db, server));
    if (stats.state === 'offline') return { status: 'ok', detail: 'The server is not running.', recommendation: '' };
    const limit = limitBytes(server.memory);
    if (limit === null) return { status: 'ok', detail: `${mib(stats.memoryBytes)} in use; no memory limit is set.`, recommendation: '' };
    const ratio = stats.memoryBytes / limit;
    const detail = `${mib(stats.memoryBytes)} of ${mib(limit)} in use (${Math.round(ratio * 100)} %).`;
    if (ratio >= 1) return { status: 'fail', detail, recommendation: 'The server uses more memory than its limit: lower its heap (-Xmx) or view distance, remove heavy plugins, or ask for more memory.' };
    if (ratio >= WARN_RATIO) return { status: 'warn', detail, recommendation: 'Memory is close to the limit: the server may be killed or slow down; lower its heap or load.' };
    return { status: 'ok', detail, recommendation: '' };
  },
};
