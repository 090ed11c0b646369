import { countSchedules, findSchedule, insertSchedule, type ScheduleWithTasks } from '@db/repositories/schedules';
import { lockServer } from '@db/repositories/servers';
import type { AppContext } from '../../context';
import { badRequest, notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { assertCron, nextRunAt } from './cron';
import type { ScheduleInput } from './inputs';
import { requireKey } from './schedule-access';

/**
 * `POST /schedules`: checks the key, the per-server throttle, then — with the server row locked so parallel
 * creates cannot overshoot — the schedule limit (NULL unlimited, 0 disabled), in one transaction with its activity.
 */
export async function createSchedule(app: AppContext, actor: Actor, access: ServerAccess, input: ScheduleInput): Promise<ScheduleWithTasks> {
  requireKey(access, 'schedule.create');
  assertCron(input, app.config.APP_TIMEZONE);
  await app.throttles.hit('schedule.create', access.server.id);
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    const server = await lockServer(tx, access.server.id);
    if (!server) throw notFound();
    if (server.scheduleLimit !== null && (await countSchedules(tx, server.id)) >= server.scheduleLimit) {
      throw badRequest(server.scheduleLimit === 0
        ? 'Schedules are disabled on this server (its schedule limit is 0).'
        : `This server has reached its schedule limit of ${server.scheduleLimit}.`, { limit: server.scheduleLimit });
    }
    const id = await insertSchedule(tx, {
      serverId: server.id, name: input.name,
      cronMinute: input.minute, cronHour: input.hour, cronDayOfMonth: input.day_of_month, cronMonth: input.month, cronDayOfWeek: input.day_of_week,
      isActive: input.is_active ?? true, onlyWhenOnline: input.only_when_online ?? false,
      nextRunAt: nextRunAt(input, app.config.APP_TIMEZONE, now), lastSavedBy: actor.user.id, createdAt: now, updatedAt: now,
    });
    await logActivity(tx, app.clock, { event: 'server:schedule.create', actor, serverId: server.id, properties: { id, name: input.name } });
    const created = await findSchedule(tx, server.id, id);
    if (!created) throw new Error('created schedule not found');
    return created;
  });
}
