import { z } from 'zod';
import { TASK_ACTIONS } from '@db/schema/schedules';

const bool = z.union([z.boolean(), z.literal(1), z.literal(0), z.literal('1'), z.literal('0'), z.literal('true'), z.literal('false')])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');
const cronField = z.string().trim().min(1, 'is required').max(191);

/** `POST /schedules` and `POST /schedules/{id}` (Pterodactyl's StoreScheduleRequest). */
export const scheduleBody = z.object({
  name: z.string().trim().min(1, 'is required').max(191),
  is_active: bool.optional(),
  only_when_online: bool.optional(),
  minute: cronField,
  hour: cronField,
  day_of_month: cronField,
  month: cronField,
  day_of_week: cronField,
});
export type ScheduleInput = z.infer<typeof scheduleBody>;

/** The ceiling on a task's wait after the previous one (Pterodactyl: 900 s). */
export const MAX_TIME_OFFSET = 900;

/** `POST /schedules/{id}/tasks` and `POST /schedules/{id}/tasks/{task}` (Pterodactyl's StoreTaskRequest). */
export const taskBody = z.object({
  action: z.enum(TASK_ACTIONS),
  payload: z.string().max(4096).nullish(),
  time_offset: z.coerce.number().int('must be a whole number of seconds').min(0).max(MAX_TIME_OFFSET),
  sequence_id: z.coerce.number().int().min(1).optional(),
  continue_on_failure: bool.optional(),
});
export type TaskInput = z.infer<typeof taskBody>;

/** `{id}` and `{task}` path parameters: positive integers, else the resource does not exist. */
export const idParam = (raw: string | undefined): number | null => (raw && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null);
