import { findSchedule, updateSchedule, type SchedulePatch, type ScheduleWithTasks } from '@db/repositories/schedules';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { assertCron, nextRunAt } from './cron';
import type { ScheduleInput } from './inputs';
import { loadSchedule, requireKey, requireTaskKey } from './schedule-access';

/**
 * `POST /schedules/{id}`. Saving makes the actor the schedule's last saver, whose keys its runs use: so the actor
 * must hold the key of every task the schedule holds (no privilege bleed). As in Pterodactyl, switching
 * `is_active` also clears a stuck processing state (a run in progress then stops before its next task).
 */
export async function updateScheduleService(app: AppContext, actor: Actor, access: ServerAccess, id: number | null, input: ScheduleInput): Promise<ScheduleWithTasks> {
  requireKey(access, 'schedule.update');
  assertCron(input, app.config.APP_TIMEZONE);
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    const { schedule, tasks } = await loadSchedule(tx, access, id, { lock: true });
    for (const task of tasks) requireTaskKey(access, task);
    const isActive = input.is_active ?? schedule.isActive;
    const patch: SchedulePatch = {
      name: input.name, cronMinute: input.minute, cronHour: input.hour, cronDayOfMonth: input.day_of_month, cronMonth: input.month,
      cronDayOfWeek: input.day_of_week, isActive, onlyWhenOnline: input.only_when_online ?? schedule.onlyWhenOnline,
      nextRunAt: nextRunAt(input, app.config.APP_TIMEZONE, now), lastSavedBy: actor.user.id, updatedAt: now,
    };
    if (isActive !== schedule.isActive) Object.assign(patch, { isProcessing: false, runToken: null, leaseUntil: null });
    await updateSchedule(tx, schedule.id, patch);
    await logActivity(tx, app.clock, { event: 'server:schedule.update', actor, serverId: access.server.id, properties: { id: schedule.id, name: input.name } });
    const updated = await findSchedule(tx, access.server.id, schedule.id);
    if (!updated) throw new Error('updated schedule not found');
    return updated;
  });
}
