import { shiftSequences, updateTask } from '@db/repositories/schedules';
import type { ScheduleTaskRow } from '@db/schema/schedules';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import type { TaskInput } from './inputs';
import { loadSchedule, loadTask, requireTaskKey } from './schedule-access';
import { checkTask, markSaved, reload, requireOtherTaskKeys } from './save-task';

/** `POST /schedules/{id}/tasks/{task}`: edits the task; a new `sequence_id` moves it, the others closing up around it. */
export async function updateTaskService(
  app: AppContext, actor: Actor, access: ServerAccess, scheduleId: number | null, taskId: number | null, input: TaskInput,
): Promise<ScheduleTaskRow> {
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    const found = await loadSchedule(tx, access, scheduleId, { lock: true });
    const task = loadTask(found, taskId);
    const checked = checkTask(access, input, task);
    requireTaskKey(access, task);
    requireOtherTaskKeys(access, found, task.id);
    const last = found.tasks.length;
    const target = Math.min(input.sequence_id ?? task.sequenceId, last);
    if (target < task.sequenceId) await shiftSequences(tx, found.schedule.id, target, 1, task.sequenceId);
    if (target > task.sequenceId) await shiftSequences(tx, found.schedule.id, task.sequenceId + 1, -1, target + 1);
    await updateTask(tx, task.id, { ...checked, sequenceId: target, updatedAt: now });
    await markSaved(tx, found.schedule.id, actor, now);
    await logActivity(tx, app.clock, {
      event: 'server:task.update', actor, serverId: access.server.id,
      properties: { schedule: found.schedule.name, schedule_id: found.schedule.id, id: task.id, action: checked.action, payload: checked.payload },
    });
    return reload(tx, access.server.id, found.schedule.id, task.id);
  });
}
