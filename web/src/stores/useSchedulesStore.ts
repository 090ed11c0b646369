import { defineStore } from 'pinia';
import { ref } from 'vue';
import { schedulesApi, type Schedule, type ScheduleInput, type TaskInput } from '@web/api/schedules';

/** The server's schedules and the panel's timezone (the cron fields are read in it). */
export const useSchedulesStore = defineStore('schedules', () => {
  const schedules = ref<Schedule[]>([]);
  const timezone = ref('UTC');
  const loading = ref(false);

  async function load(server: string): Promise<void> {
    loading.value = true;
    try {
      const res = await schedulesApi.list(server);
      schedules.value = res.schedules;
      timezone.value = res.timezone;
    } finally {
      loading.value = false;
    }
  }

  function put(schedule: Schedule) {
    const i = schedules.value.findIndex((s) => s.id === schedule.id);
    if (i >= 0) schedules.value.splice(i, 1, schedule);
    else schedules.value.push(schedule);
    return schedule;
  }

  const refresh = async (server: string, id: number) => put(await schedulesApi.get(server, id));

  return {
    schedules, timezone, loading, load, refresh,
    create: async (server: string, input: ScheduleInput) => put(await schedulesApi.create(server, input)),
    update: async (server: string, id: number, input: ScheduleInput) => put(await schedulesApi.update(server, id, input)),
    remove: async (server: string, id: number) => {
      await schedulesApi.remove(server, id);
      schedules.value = schedules.value.filter((s) => s.id !== id);
    },
    execute: async (server: string, id: number) => { await schedulesApi.execute(server, id); return refresh(server, id); },
    saveTask: async (server: string, id: number, input: TaskInput, taskId?: number) => {
      if (taskId === undefined) await schedulesApi.createTask(server, id, input);
      else await schedulesApi.updateTask(server, id, taskId, input);
      return refresh(server, id);
    },
    removeTask: async (server: string, id: number, taskId: number) => { await schedulesApi.removeTask(server, id, taskId); return refresh(server, id); },
  };
});
