import type { ScheduleRow, ScheduleTaskRow } from '@db/schema/schedules';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Pterodactyl's `schedule_task` item. */
export function taskItem(task: ScheduleTaskRow) {
  return {
    object: 'schedule_task' as const,
    attributes: {
      id: task.id,
      sequence_id: task.sequenceId,
      action: task.action,
      payload: task.payload,
      time_offset: task.timeOffset,
      is_queued: task.isQueued,
      continue_on_failure: task.continueOnFailure,
      created_at: task.createdAt.toISOString(),
      updated_at: task.updatedAt.toISOString(),
    },
  };
}

/** Pterodactyl's `server_schedule` item with its tasks (always included, as Pterodactyl's default include). */
export function scheduleItem(schedule: ScheduleRow, tasks: readonly ScheduleTaskRow[]) {
  return {
    object: 'server_schedule' as const,
    attributes: {
      id: schedule.id,
      name: schedule.name,
      cron: {
        day_of_week: schedule.cronDayOfWeek,
        day_of_month: schedule.cronDayOfMonth,
        month: schedule.cronMonth,
        hour: schedule.cronHour,
        minute: schedule.cronMinute,
      },
      is_active: schedule.isActive,
      is_processing: schedule.isProcessing,
      only_when_online: schedule.onlyWhenOnline,
      last_run_at: iso(schedule.lastRunAt),
      next_run_at: iso(schedule.nextRunAt),
      created_at: schedule.createdAt.toISOString(),
      updated_at: schedule.updatedAt.toISOString(),
      relationships: {
        tasks: { object: 'list' as const, data: tasks.map(taskItem) },
      },
    },
  };
}
