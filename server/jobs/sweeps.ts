import { sweepBackupPolicies } from '../services/backups/sweep-backup-policies';
import { sweepSchedules } from '../services/schedules/sweep-schedules';
import { JOB_HANDLERS } from './handlers';
import { jobsSweep } from './run-jobs';
import type { Sweep } from './sweep';

/** What the runner calls every tick, in order (contracts). */
export const SWEEPS: readonly Sweep[] = [
  { name: 'schedules', run: async (app, now) => { await sweepSchedules(app, now); } },
  { name: 'backup policies', run: (app, now) => sweepBackupPolicies(app, now) },
  jobsSweep(JOB_HANDLERS),
];
