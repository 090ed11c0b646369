import type { RowDataPacket } from 'mysql2';
import type { AppContext } from '@server/context';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { makeApiKey, makeServer, makeSubuser, makeUser } from '../factories/records';

/** An API-key client for `user` (no sign-in round trips). */
export async function clientOf(app: AppContext, url: string, user: UserRow): Promise<HttpClient> {
  return new HttpClient(url).withApiKey(await makeApiKey(app.db, user));
}

export async function world(app: AppContext, url: string, serverOverrides: Partial<ServerRow> = {}) {
  const owner = await makeUser(app.db);
  const server = await makeServer(app.db, owner, serverOverrides);
  return { owner, server, base: `/api/client/servers/${server.identifier}/schedules`, owned: await clientOf(app, url, owner) };
}

/** A subuser of `server` holding `keys`, with its client. */
export async function member(app: AppContext, url: string, server: ServerRow, keys: string[]) {
  const user = await makeUser(app.db);
  await makeSubuser(app.db, server, user, keys);
  return { user, client: await clientOf(app, url, user) };
}

export const cron = (minute = '0', hour = '4') => ({ minute, hour, day_of_month: '*', month: '*', day_of_week: '*' });

export async function rows<T>(app: AppContext, sql: string, params: unknown[] = []): Promise<T[]> {
  const [result] = await app.pool.query<RowDataPacket[]>(sql, params);
  return result as T[];
}

export interface ActivityProbe { event: string; properties: Record<string, unknown>; actor_id: number | null; timestamp: Date }
export const activityOf = (app: AppContext, serverId: number, prefix = '') =>
  rows<ActivityProbe>(app, 'SELECT event, properties, actor_id, timestamp FROM activity_logs WHERE server_id = ? AND event LIKE ? ORDER BY id', [serverId, `${prefix}%`])
    .then((list) => list.map((r) => ({ ...r, properties: typeof r.properties === 'string' ? JSON.parse(r.properties) as Record<string, unknown> : r.properties })));

/** Polls `probe` until it returns a truthy value (the tests' only timing: a generous safety net, never a threshold). */
export async function eventually<T>(probe: () => Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Makes a schedule due now, as the clock reaching its next_run_at would. */
export async function makeDue(app: AppContext, scheduleId: number): Promise<void> {
  await app.pool.query('UPDATE schedules SET next_run_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?', [scheduleId]);
}

export async function scheduleRow(app: AppContext, id: number) {
  const [row] = await rows<{ is_processing: number; last_run_at: Date | null; next_run_at: Date | null; last_saved_by: number | null }>(
    app, 'SELECT is_processing, last_run_at, next_run_at, last_saved_by FROM schedules WHERE id = ?', [id]);
  return row;
}
