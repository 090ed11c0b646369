import { listSchedules } from '@db/repositories/schedules';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';
import { loadSchedule, requireKey } from './schedule-access';
import type { ScheduleWithTasks } from '@db/repositories/schedules';

/** `GET /schedules`: every schedule of the server with its tasks. */
export async function viewSchedules(app: AppContext, access: ServerAccess): Promise<ScheduleWithTasks[]> {
  requireKey(access, 'schedule.read');
  return listSchedules(app.db, access.server.id);
}

/** `GET /schedules/{id}`. */
export async function viewSchedule(app: AppContext, access: ServerAccess, id: number | null): Promise<ScheduleWithTasks> {
  requireKey(access, 'schedule.read');
  return loadSchedule(app.db, access, id);
}
