import type { Executor } from '../client';
import { activityLogs } from '../schema/activity';

export type NewActivity = typeof activityLogs.$inferInsert;

/** Append-only: activity rows are written in the same transaction as the change they describe. */
export async function insertActivity(db: Executor, row: NewActivity): Promise<void> {
  await db.insert(activityLogs).values(row);
}
