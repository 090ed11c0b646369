import type { Permission } from '@contracts/permissions';
import { insertSchedule, insertTask } from '@db/repositories/schedules';
import type { Fixture, Prepared, Scene } from './fixtures';

const S = '/api/client/servers/:server/schedules';

/** A schedule (with one `say` command task unless `tasks` is 0) on the scene's server, saved by its owner. */
async function schedule(s: Scene, tasks = 1): Promise<{ id: number; taskId: number | null }> {
  const now = new Date();
  const id = await insertSchedule(s.app.db, {
    serverId: s.server.id, name: 'matrix', cronMinute: '0', cronHour: '4', cronDayOfMonth: '*', cronMonth: '*', cronDayOfWeek: '*',
    isActive: true, nextRunAt: new Date(Date.now() + 86_400_000), lastSavedBy: s.owner.id, createdAt: now, updatedAt: now,
  });
  const taskId = tasks ? await insertTask(s.app.db, { scheduleId: id, sequenceId: 1, action: 'command', payload: 'say matrix', createdAt: now, updatedAt: now }) : null;
  return { id, taskId };
}

const body = { name: 'matrix', minute: '*/5', hour: '*', day_of_month: '*', month: '*', day_of_week: '*', is_active: true };
/** Saving or running a schedule whose task sends a command also needs control.console (no privilege bleed). */
const console: readonly Permission[] = ['control.console'];
const withSchedule = (extra: (ids: { id: number; taskId: number | null }) => Omit<Prepared, 'params'> & { params?: Record<string, string> }): Fixture =>
  async (s) => {
    const ids = await schedule(s);
    const more = extra(ids);
    return { ...more, params: { schedule: String(ids.id), ...(ids.taskId ? { task: String(ids.taskId) } : {}), ...more.params } };
  };

/** The schedule routes' fixtures, merged into FIXTURES. */
export const SCHEDULE_FIXTURES: Readonly<Record<string, Fixture>> = {
  [`GET ${S}/:schedule`]: withSchedule(() => ({})),
  [`POST ${S}/:schedule`]: withSchedule(() => ({ body, alsoHolds: console })),
  [`DELETE ${S}/:schedule`]: withSchedule(() => ({})),
  [`POST ${S}/:schedule/execute`]: withSchedule(() => ({ alsoHolds: console })),
  [`POST ${S}/:schedule/tasks`]: withSchedule(() => ({ body: { action: 'command', payload: 'say hi', time_offset: 0 }, alsoHolds: console })),
  [`POST ${S}/:schedule/tasks/:task`]: withSchedule(() => ({ body: { action: 'command', payload: 'say edited', time_offset: 5 }, alsoHolds: console })),
  [`DELETE ${S}/:schedule/tasks/:task`]: withSchedule(() => ({})),
};
