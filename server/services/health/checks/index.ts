import { crashLoopCheck } from './crash-loop';
import { diskUsageCheck } from './disk-usage';
import { memoryUsageCheck } from './memory-usage';
import { processStateCheck } from './process-state';
import type { HealthCheck } from './types';

/**
 * Every health check, in display order (DESIGN §18). Planned once their features are merged: primary port
 * accepting connections, last backup age vs policy, variables failing their rules, schedule failures.
 */
export const HEALTH_CHECKS: readonly HealthCheck[] = [processStateCheck, crashLoopCheck, diskUsageCheck, memoryUsageCheck];
