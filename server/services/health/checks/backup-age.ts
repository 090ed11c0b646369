import { Cron } from 'croner';
import { findBackupPolicy } from '@db/repositories/backups';
import { lastSuccessfulBackupAt } from '@db/repositories/health';
import type { HealthCheck } from './types';

const DAY_MS = 86_400_000;
/** Without a policy, a backup older than this (or none) is worth a warning. */
const UNSCHEDULED_MAX_AGE_MS = 7 * DAY_MS;

/** The time between two consecutive runs of a cron expression (its period near now). */
function periodOf(cron: string, now: Date): number | null {
  try {
    const [a, b] = new Cron(cron, { timezone: 'UTC', paused: true }).nextRuns(2, now);
    return a && b ? b.getTime() - a.getTime() : null;
  } catch {
    return null;
  }
}

const age = (ms: number) => (ms >= 2 * DAY_MS ? `${Math.floor(ms / DAY_MS)} days` : `${Math.max(1, Math.round(ms / 3_600_000))} hours`);

/**
 * Last successful backup vs the automated-backup policy (DESIGN §13, §18): with an active policy, the newest
 * successful backup must be younger than two of its periods (one run may fail); without one, younger than a week.
 */
export const backupAgeCheck: HealthCheck = {
  name: 'backup_age',
  async run(app, server) {
    const now = app.clock.now();
    const [policy, last] = await Promise.all([findBackupPolicy(app.db, server.id), lastSuccessfulBackupAt(app.db, server.id)]);
    const lastText = last ? `the last successful backup is ${age(now.getTime() - last.getTime())} old` : 'there is no successful backup';
    if (!policy || !policy.isActive) {
      if (last && now.getTime() - last.getTime() <= UNSCHEDULED_MAX_AGE_MS) return { status: 'ok', detail: `No automated backups; ${lastText}.`, recommendation: '' };
      return {
        status: 'warn', detail: `No automated backups are configured and ${lastText}.`,
        recommendation: 'Set a backup policy on the Backups tab, or make a backup now.',
      };
    }
    const period = periodOf(policy.cron, now) ?? DAY_MS;
    const since = last ?? policy.createdAt;
    if (now.getTime() - since.getTime() <= 2 * period) {
      return { status: 'ok', detail: `Automated backups run on "${policy.cron}"; ${lastText}.`, recommendation: '' };
    }
    return {
      status: 'warn',
      detail: `Automated backups run on "${policy.cron}" but ${lastText}${policy.lastError ? ` (last error: ${policy.lastError})` : ''}.`,
      recommendation: 'Check the backup limit and free space, and that the policy\'s last saver still holds backup.schedule and backup.create.',
    };
  },
};
