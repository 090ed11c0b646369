import { serverRunSpec } from '@db/repositories/server-environment';
import { limitBytes, mib, type HealthCheck } from './types';

export const WARN_RATIO = 0.9;

/** Disk use vs the server's disk limit (servers.disk, MiB): warn from 90 %, fail at or over the limit. */
export const diskUsageCheck: HealthCheck = {
  name: 'disk_usage',
  async run(app, server) {
    const { diskBytes } = await app.daemon.stats(await serverRunSpec(app.db, server));
    const limit = limitBytes(server.disk);
    if (limit === null) return { status: 'ok', detail: `${mib(diskBytes)} used; no disk limit is set.`, recommendation: '' };
    const ratio = diskBytes / limit;
    const detail = `${mib(diskBytes)} of ${mib(limit)} used (${Math.round(ratio * 100)} %).`;
    if (ratio >= 1) return { status: 'fail', detail, recommendation: 'The disk limit is reached: delete old backups, logs or worlds, or ask for a larger limit.' };
    if (ratio >= WARN_RATIO) return { status: 'warn', detail, recommendation: 'The disk is almost full: clean up logs and old files before the server cannot save.' };
    return { status: 'ok', detail, recommendation: '' };
  },
};
