import { Cron } from 'croner';
import { validationError } from '../../http/errors';

/** Pterodactyl's five cron fields, in the order of a crontab line. */
export const CRON_FIELDS = ['minute', 'hour', 'day_of_month', 'month', 'day_of_week'] as const;
export type CronField = (typeof CRON_FIELDS)[number];
export type CronSpec = Readonly<Record<CronField, string>>;

const pattern = (cron: CronSpec) => CRON_FIELDS.map((f) => cron[f]).join(' ');

/**
 * Validates each field on its own (the others as `*`), so a 422 names the field that is wrong; then the whole line
 * (a day of month that no month has, e.g. `31` in February only, is caught by croner finding no next run).
 */
export function assertCron(cron: CronSpec, timezone: string): void {
  for (const field of CRON_FIELDS) {
    const value = cron[field];
    if (!/^\S+$/.test(value)) throw validationError(field, `The ${field} field must be a single cron field without spaces.`, 'cron');
    const probe = CRON_FIELDS.map((f) => (f === field ? value : '*')).join(' ');
    try {
      new Cron(probe, { paused: true });
    } catch (err) {
      throw validationError(field, `The ${field} field is not a valid cron expression: ${(err as Error).message.replace(/^CronPattern: /, '')}`, 'cron');
    }
  }
  if (!nextRunAt(cron, timezone, new Date())) {
    throw validationError('day_of_month', 'The cron data provided does not evaluate to a valid expression (it never runs).', 'cron');
  }
}

/** The first run strictly after `after`, read in the panel's timezone; a Date is UTC by nature. */
export function nextRunAt(cron: CronSpec, timezone: string, after: Date): Date | null {
  return new Cron(pattern(cron), { timezone, paused: true }).nextRun(after);
}

/** The next `n` runs after `after` (the UI's cron helper asks the server nothing: it computes these itself). */
export function nextRuns(cron: CronSpec, timezone: string, after: Date, n: number): Date[] {
  return new Cron(pattern(cron), { timezone, paused: true }).nextRuns(n, after);
}
