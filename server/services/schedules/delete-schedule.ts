import { deleteSchedule } from '@db/repositories/schedules';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { loadSchedule, requireKey } from './schedule-access';

/** `DELETE /schedules/{id}`: the schedule and its tasks (a run in progress stops before its next task). */
export async function deleteScheduleService(app: AppContext, actor: Actor, access: ServerAccess, id: number | null): Promise<void> {
  requireKey(access, 'schedule.delete');
  await app.db.transaction(async (tx) => {
    const { schedule } = await loadSchedule(tx, access, id, { lock: true });
    await deleteSchedule(tx, schedule.id);
    await logActivity(tx, app.clock, { event: 'server:schedule.delete', actor, serverId: access.server.id, properties: { id: schedule.id, name: schedule.name } });
  });
}
