import { Cron } from 'croner';
import { validationError } from '../../http/errors';

/** The next run of a five-field cron expression after `after` (UTC), or null when it never runs again. */
export function nextRunOf(cron: string, after: Date): Date | null {
  return new Cron(cron, { timezone: 'UTC', paused: true }).nextRun(after);
}

/** Validates a policy's cron (five fields, croner's syntax) and answers 422 naming `cron` when it is not one. */
export function checkedCron(cron: string, now: Date): Date | null {
  const expr = cron.trim();
  if (expr.split(/\s+/).length !== 5) throw validationError('cron', 'The cron field must have five fields: minute hour day-of-month month day-of-week.', 'cron');
  try {
    return nextRunOf(expr, now);
  } catch (err) {
    throw validationError('cron', `The cron field is not a valid cron expression: ${err instanceof Error ? err.message : String(err)}`, 'cron');
  }
}
