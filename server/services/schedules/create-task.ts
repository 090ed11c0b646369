import { insertTask } from '@db/repositories/schedules';
import type { ScheduleTaskRow } from '@db/schema/schedules';
import type { AppContext } from '../../context';
import { badRequest } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import type { TaskInput } from './inputs';
import { loadSchedule } from './schedule-access';
import { checkTask, markSaved, openGap, placeFor, reload, requireOtherTaskKeys } from './save-task';

/** Pterodactyl's per-schedule task limit. */
export const MAX_TASKS = 10;

/** `POST /schedules/{id}/tasks`: inserts at `sequence_id` (shifting the rest) or appends. */
export async function createTask(app: AppContext, actor: Actor, access: ServerAccess, scheduleId: number | null, input: TaskInput): Promise<ScheduleTaskRow> {
  const checked = checkTask(access, input);
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    const found = await loadSchedule(tx, access, scheduleId, { lock: true });
    requireOtherTaskKeys(access, found);
    if (found.tasks.length >= MAX_TASKS) {
      throw badRequest(`Schedules may not have more than ${MAX_TASKS} tasks associated with them. Creating this task would put this schedule over the limit.`, { limit: MAX_TASKS });
    }
    const place = placeFor(input.sequence_id, found.tasks.length);
    await openGap(tx, found.schedule.id, place);
    const id = await insertTask(tx, { scheduleId: found.schedule.id, sequenceId: place, ...checked, createdAt: now, updatedAt: now });
    await markSaved(tx, found.schedule.id, actor, now);
    await logActivity(tx, app.clock, {
      event: 'server:task.create', actor, serverId: access.server.id,
      properties: { schedule: found.schedule.name, schedule_id: found.schedule.id, id, action: checked.action, payload: checked.payload },
    });
    return reload(tx, access.server.id, found.schedule.id, id);
  });
}
