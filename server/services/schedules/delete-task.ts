import { deleteTask, shiftSequences } from '@db/repositories/schedules';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { loadSchedule, loadTask, requireKey } from './schedule-access';

/**
 * `DELETE /schedules/{id}/tasks/{task}`: the tasks after it move up one place. Removing a task grants nothing, so it
 * needs only `schedule.update` and leaves the schedule's last saver as it was.
 */
export async function deleteTaskService(app: AppContext, actor: Actor, access: ServerAccess, scheduleId: number | null, taskId: number | null): Promise<void> {
  requireKey(access, 'schedule.update');
  await app.db.transaction(async (tx) => {
    const found = await loadSchedule(tx, access, scheduleId, { lock: true });
    const task = loadTask(found, taskId);
    await deleteTask(tx, task.id);
    await shiftSequences(tx, found.schedule.id, task.sequenceId + 1, -1);
    await logActivity(tx, app.clock, {
      event: 'server:task.delete', actor, serverId: access.server.id,
      properties: { schedule: found.schedule.name, schedule_id: found.schedule.id, id: task.id, action: task.action, payload: task.payload },
    });
  });
}
