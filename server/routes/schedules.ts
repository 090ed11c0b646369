import { reply, route } from '../http/manifest';
import { createSchedule } from '../services/schedules/create-schedule';
import { createTask } from '../services/schedules/create-task';
import { deleteScheduleService } from '../services/schedules/delete-schedule';
import { deleteTaskService } from '../services/schedules/delete-task';
import { executeSchedule } from '../services/schedules/execute-schedule';
import { idParam, scheduleBody, taskBody } from '../services/schedules/inputs';
import { scheduleItem, taskItem } from '../services/schedules/transform';
import { updateScheduleService } from '../services/schedules/update-schedule';
import { updateTaskService } from '../services/schedules/update-task';
import { viewSchedule, viewSchedules } from '../services/schedules/view-schedules';

const base = '/api/client/servers/:server/schedules';
const example = { name: 'Nightly restart', is_active: true, only_when_online: false, minute: '0', hour: '4', day_of_month: '*', month: '*', day_of_week: '*' };

/** Pterodactyl's schedule API (DESIGN §16). Task routes need `schedule.update`, and the task's own key (services). */
export const scheduleRoutes = [
  route({
    method: 'GET', path: base, need: 'schedule.read',
    // meta.timezone: the panel's timezone the cron fields are read in (the UI's cron helper computes with it).
    handler: async ({ app, access }) => ({
      object: 'list', data: (await viewSchedules(app, access)).map((s) => scheduleItem(s.schedule, s.tasks)), meta: { timezone: app.config.APP_TIMEZONE },
    }),
  }),
  route({
    method: 'POST', path: base, need: 'schedule.create', body: scheduleBody, example: { body: example },
    handler: async ({ app, actor, access, body }) => {
      const created = await createSchedule(app, actor, access, body);
      return scheduleItem(created.schedule, created.tasks);
    },
  }),
  route({
    method: 'GET', path: `${base}/:schedule`, need: 'schedule.read',
    handler: async ({ app, access, params }) => {
      const found = await viewSchedule(app, access, idParam(params.schedule));
      return scheduleItem(found.schedule, found.tasks);
    },
  }),
  route({
    method: 'POST', path: `${base}/:schedule`, need: 'schedule.update', body: scheduleBody,
    handler: async ({ app, actor, access, params, body }) => {
      const updated = await updateScheduleService(app, actor, access, idParam(params.schedule), body);
      return scheduleItem(updated.schedule, updated.tasks);
    },
  }),
  route({
    method: 'DELETE', path: `${base}/:schedule`, need: 'schedule.delete',
    handler: async ({ app, actor, access, params }) => { await deleteScheduleService(app, actor, access, idParam(params.schedule)); },
  }),
  route({
    method: 'POST', path: `${base}/:schedule/execute`, need: 'schedule.update',
    handler: async ({ app, actor, access, params }) => {
      await executeSchedule(app, actor, access, idParam(params.schedule));
      return reply(202, []);
    },
  }),
  route({
    method: 'POST', path: `${base}/:schedule/tasks`, need: 'schedule.update', body: taskBody,
    handler: async ({ app, actor, access, params, body }) => taskItem(await createTask(app, actor, access, idParam(params.schedule), body)),
  }),
  route({
    method: 'POST', path: `${base}/:schedule/tasks/:task`, need: 'schedule.update', body: taskBody,
    handler: async ({ app, actor, access, params, body }) =>
      taskItem(await updateTaskService(app, actor, access, idParam(params.schedule), idParam(params.task), body)),
  }),
  route({
    method: 'DELETE', path: `${base}/:schedule/tasks/:task`, need: 'schedule.update',
    handler: async ({ app, actor, access, params }) => { await deleteTaskService(app, actor, access, idParam(params.schedule), idParam(params.task)); },
  }),
];
