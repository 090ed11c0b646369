import type { z } from 'zod';
import type { AppContext } from '../context';
import type { JobRow } from '@db/schema/jobs';
import { deliverBlastJob } from '../services/mail/deliver-blast';
import { BLAST_JOB } from '../services/mail/send-mass-mail';
import { SERVER_CLEANUP_JOB, serverCleanupJob } from '../services/admin/users/server-cleanup-job';

/** One kind of queued job. `payload` is parsed with the handler's schema before `run` sees it. */
export interface JobHandler<P = unknown> {
  readonly payload: z.ZodType<P>;
  /** Throwing retries the job with backoff until its attempts run out. Must be safe to repeat after a crash. */
  run(app: AppContext, payload: P, job: JobRow): Promise<void>;
}

export type JobHandlers = Readonly<Record<string, JobHandler<never> | JobHandler>>;

/** Declares a handler, its payload type inferred from its schema. */
export const defineJob = <P>(handler: JobHandler<P>): JobHandler<P> => handler;

/**
 * The panel's job kinds, by name: mass mail's blasts (§21); soft-delete cleanup adds its own. A runner claims
 * only the kinds it has handlers for, so during a rolling upgrade a job of a new kind waits for a panel that knows it.
 */
export const JOB_HANDLERS: JobHandlers = {
  [BLAST_JOB]: deliverBlastJob,
  [SERVER_CLEANUP_JOB]: serverCleanupJob,
};
