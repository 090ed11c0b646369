import type { z } from 'zod';
import type { AppContext } from '../context';
import type { JobRow } from '@db/schema/jobs';

/** One kind of queued job. `payload` is parsed with the handler's schema before `run` sees it. */
export interface JobHandler<P = unknown> {
  readonly payload: z.ZodType<P>;
  /** Throwing retries the job with backoff until its attempts run out. Must be safe to repeat after a crash. */
  run(app: AppContext, payload: P, job: JobRow): Promise<void>;
}

export type JobHandlers = Readonly<Record<string, JobHandler<never> | JobHandler>>;

/**
 * The panel's job kinds, by name. Mass mail (§21) and soft-delete cleanup add theirs here at merge; a job of a kind
 * no handler knows fails at once with a clear `last_error`.
 */
export const JOB_HANDLERS: JobHandlers = {};
