import { crashLoopCheck } from './crash-loop';
import { diskUsageCheck } from './disk-usage';
import { memoryUsageCheck } from './memory-usage';
import { processStateCheck } from './process-state';
import { backupAgeCheck } from './backup-age';
import { primaryPortCheck } from './primary-port';
import { scheduleFailuresCheck } from './schedule-failures';
import type { HealthCheck } from './types';
import { variablesCheck } from './variables';

/** Every health check, in display order (DESIGN §18). */
export const HEALTH_CHECKS: readonly HealthCheck[] = [
  processStateCheck, crashLoopCheck, diskUsageCheck, memoryUsageCheck, primaryPortCheck, backupAgeCheck, variablesCheck, scheduleFailuresCheck,
];
