import { api } from './http';
import type { Item, List } from './types';

export type TaskAction = 'command' | 'power' | 'backup';
export interface ScheduleTask {
  id: number;
  sequence_id: number;
  action: TaskAction;
  payload: string;
  time_offset: number;
  is_queued: boolean;
  continue_on_failure: boolean;
  created_at: string;
  updated_at: string;
}
export interface CronFields { minute: string; hour: string; day_of_month: string; month: string; day_of_week: string }
export interface Schedule {
  id: number;
  name: string;
  cron: CronFields;
  is_active: boolean;
  is_processing: boolean;
  only_when_online: boolean;
  last_run_at: string | null;
  next_run_at: string | null;
  created_at: string;
  updated_at: string;
  relationships: { tasks: List<Item<ScheduleTask>> };
}
export interface ScheduleInput extends CronFields { name: string; is_active: boolean; only_when_online: boolean }
export interface TaskInput { action: TaskAction; payload: string; time_offset: number; sequence_id?: number; continue_on_failure: boolean }

const base = (server: string) => `/api/client/servers/${encodeURIComponent(server)}/schedules`;
export const tasksOf = (s: Schedule) => s.relationships.tasks.data.map((t) => t.attributes);

export const schedulesApi = {
  list: async (server: string) => {
    const list = await api.get<List<Item<Schedule>> & { meta?: { timezone?: string } }>(base(server));
    return { schedules: list.data.map((d) => d.attributes), timezone: list.meta?.timezone ?? 'UTC' };
  },
  get: async (server: string, id: number) => (await api.get<Item<Schedule>>(`${base(server)}/${id}`)).attributes,
  create: async (server: string, input: ScheduleInput) => (await api.post<Item<Schedule>>(base(server), input)).attributes,
  update: async (server: string, id: number, input: ScheduleInput) => (await api.post<Item<Schedule>>(`${base(server)}/${id}`, input)).attributes,
  remove: (server: string, id: number) => api.del<void>(`${base(server)}/${id}`),
  execute: (server: string, id: number) => api.post<unknown>(`${base(server)}/${id}/execute`),
  createTask: async (server: string, id: number, input: TaskInput) => (await api.post<Item<ScheduleTask>>(`${base(server)}/${id}/tasks`, input)).attributes,
  updateTask: async (server: string, id: number, task: number, input: TaskInput) =>
    (await api.post<Item<ScheduleTask>>(`${base(server)}/${id}/tasks/${task}`, input)).attributes,
  removeTask: (server: string, id: number, task: number) => api.del<void>(`${base(server)}/${id}/tasks/${task}`),
};
