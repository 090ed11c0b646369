import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertSchedule, insertTask } from '@db/repositories/schedules';
import type { ServerRow } from '@db/schema/servers';
import type { TaskAction } from '@db/schema/schedules';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { killToOffline, startRunning } from '../matrix/processes';
import { activityOf, cron, eventually, makeDue, member, scheduleRow, world } from './schedules-support';

let panel: TestPanel;
const started: ServerRow[] = [];
beforeAll(async () => {
  process.env.SAMPLE_BOOT_MS = '0';
  panel = await startTestPanel({ env: { RUNNER_TICK_MS: '100', RUNNER_LEASE_MS: '1500', SERVER_THROTTLES: 'schedule.create=100/60' } });
});
afterEach(async () => { for (const s of started.splice(0)) await killToOffline(panel.app, s); });
afterAll(async () => { await panel?.close(); });

async function running() {
  const w = await world(panel.app, panel.url);
  await startRunning(panel.app, w.server);
  started.push(w.server);
  return w;
}

/** A schedule written straight to the database (as one saved earlier by `savedBy`), with its tasks. */
async function stored(server: ServerRow, savedBy: number, tasks: Array<{ action: TaskAction; payload: string; offset?: number; continueOnFailure?: boolean }>, extra: { onlyWhenOnline?: boolean } = {}) {
  const now = new Date();
  const id = await insertSchedule(panel.app.db, {
    serverId: server.id, name: 'stored', cronMinute: '0', cronHour: '4', cronDayOfMonth: '*', cronMonth: '*', cronDayOfWeek: '*',
    nextRunAt: new Date(Date.now() + 86_400_000), lastSavedBy: savedBy, onlyWhenOnline: extra.onlyWhenOnline ?? false, createdAt: now, updatedAt: now,
  });
  const taskIds: number[] = [];
  for (const [i, t] of tasks.entries()) {
    taskIds.push(await insertTask(panel.app.db, {
      scheduleId: id, sequenceId: i + 1, action: t.action, payload: t.payload, timeOffset: t.offset ?? 0,
      continueOnFailure: t.continueOnFailure ?? false, createdAt: now, updatedAt: now,
    }));
  }
  return { id, taskIds };
}

/** Makes the schedule due and waits until its run has finished. */
async function runOnce(id: number): Promise<void> {
  const before = (await scheduleRow(panel.app, id))?.last_run_at?.getTime() ?? 0;
  await makeDue(panel.app, id);
  await eventually(async () => {
    const row = await scheduleRow(panel.app, id);
    return row && !row.is_processing && (row.last_run_at?.getTime() ?? 0) > before;
  }, `schedule ${id} to run`);
}

const commands = async (serverId: number) => (await activityOf(panel.app, serverId, 'server:console.command')).map((r) => r.properties.command);
const denials = async (serverId: number) => (await activityOf(panel.app, serverId, 'server:schedule.task-denied')).map((r) => r.properties);

describe('the schedule runner', () => {
  it('a backup task makes a backup as its saver, with the payload as ignored files; without backup.create it is denied', async () => {
    const { server, owner } = await running();
    const { id } = await stored(server, owner.id, [{ action: 'backup', payload: '*.log\ncache/' }]);
    await runOnce(id);
    const [rows] = await panel.app.pool.query('SELECT created_by, ignored_files FROM backups WHERE server_id = ?', [server.id]) as unknown as [Array<{ created_by: number; ignored_files: string[] | string }>];
    expect(rows).toHaveLength(1);
    expect(rows[0]?.created_by).toBe(owner.id);
    const ignored = rows[0]?.ignored_files;
    expect(typeof ignored === 'string' ? JSON.parse(ignored) : ignored).toEqual(['*.log', 'cache/']);
    expect((await activityOf(panel.app, server.id, 'server:backup.start')).map((r) => r.actor_id)).toEqual([owner.id]);

    const sub = await member(panel.app, panel.url, server, ['schedule.update', 'backup.read']);
    const denied = await stored(server, sub.user.id, [{ action: 'backup', payload: '' }]);
    await runOnce(denied.id);
    expect(await denials(server.id)).toMatchObject([{ task: denied.taskIds[0], permission: 'backup.create' }]);
    const [after] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM backups WHERE server_id = ?', [server.id]) as unknown as [Array<{ n: number }>];
    expect(Number(after[0]?.n)).toBe(1);
  });

  it('runs a due schedule once, as its last saver, and moves next_run_at on', async () => {
    const { owned, base, server, owner } = await running();
    const id = (await owned.post(base, { name: 'due', ...cron('*', '*') })).body.attributes.id;
    await owned.post(`${base}/${id}/tasks`, { action: 'command', payload: 'say scheduled', time_offset: 0 });
    await runOnce(id);
    const log = await activityOf(panel.app, server.id, 'server:console.command');
    expect(log.map((r) => [r.properties.command, r.actor_id])).toEqual([['say scheduled', owner.id]]);
    const row = await scheduleRow(panel.app, id);
    expect(row?.next_run_at?.getTime()).toBeGreaterThan(Date.now() - 1000);
    const view = (await owned.get(`${base}/${id}`)).body.attributes;
    expect(view.is_processing).toBe(false);
    expect(view.last_run_at).not.toBeNull();
    expect(view.relationships.tasks.data[0].attributes.is_queued).toBe(false);
  });

  it('a task saved by a subuser who later loses control.console does not run (task-denied)', async () => {
    const { base, server } = await running();
    const sub = await member(panel.app, panel.url, server, ['schedule.create', 'schedule.update', 'control.console']);
    const id = (await sub.client.post(base, { name: 'sub', ...cron() })).body.attributes.id;
    const task = (await sub.client.post(`${base}/${id}/tasks`, { action: 'command', payload: 'say from sub', time_offset: 0 })).body.attributes.id;
    await panel.app.pool.query('UPDATE subusers SET permissions = ? WHERE server_id = ? AND user_id = ?',
      [JSON.stringify(['websocket.connect', 'schedule.create', 'schedule.update']), server.id, sub.user.id]);
    await runOnce(id);
    expect(await commands(server.id)).toEqual([]);
    expect(await denials(server.id)).toEqual([{ task, permission: 'control.console', schedule: id, action: 'command' }]);
  });

  it('a command task of a saver holding only schedule.* never runs (even if written around the API)', async () => {
    const { server } = await running();
    const sub = await member(panel.app, panel.url, server, ['schedule.create', 'schedule.read', 'schedule.update', 'schedule.delete']);
    const { id, taskIds } = await stored(server, sub.user.id, [{ action: 'command', payload: 'op sub' }]);
    await runOnce(id);
    expect(await commands(server.id)).toEqual([]);
    expect(await denials(server.id)).toMatchObject([{ task: taskIds[0], permission: 'control.console' }]);
  });

  it('power tasks are checked per signal at run time (kill needs control.stop); backup needs backup.create', async () => {
    const { server } = await running();
    const sub = await member(panel.app, panel.url, server, ['schedule.update', 'control.start', 'control.restart']);
    const { id, taskIds } = await stored(server, sub.user.id, [
      { action: 'power', payload: 'kill', continueOnFailure: true },
      { action: 'power', payload: 'stop', continueOnFailure: true },
      { action: 'backup', payload: '', continueOnFailure: true },
    ]);
    await runOnce(id);
    expect(await denials(server.id)).toMatchObject([
      { task: taskIds[0], permission: 'control.stop' }, { task: taskIds[1], permission: 'control.stop' }, { task: taskIds[2], permission: 'backup.create' },
    ]);
    expect(panel.app.daemon.status({ uuid: server.uuid, startupCommand: server.startupCommand })).toBe('running');
    expect(await activityOf(panel.app, server.id, 'server:power.')).toEqual([]);
  });

  it('a saver who lost the server runs nothing; the owner\'s power task runs', async () => {
    const { server, owner } = await running();
    const sub = await member(panel.app, panel.url, server, ['schedule.update', 'control.console']);
    const gone = await stored(server, sub.user.id, [{ action: 'command', payload: 'say gone' }]);
    await panel.app.pool.query('DELETE FROM subusers WHERE server_id = ? AND user_id = ?', [server.id, sub.user.id]);
    await runOnce(gone.id);
    expect(await commands(server.id)).toEqual([]);
    expect(await denials(server.id)).toMatchObject([{ task: gone.taskIds[0], permission: 'control.console' }]);
    const restart = await stored(server, owner.id, [{ action: 'power', payload: 'restart' }]);
    await runOnce(restart.id);
    expect((await activityOf(panel.app, server.id, 'server:power.')).map((r) => r.event)).toEqual(['server:power.restart']);
  });

  it('stops at a failed task unless it continues on failure; waits each time offset', async () => {
    const { server, owner } = await running();
    const sub = await member(panel.app, panel.url, server, ['schedule.update', 'control.console']);
    await panel.app.pool.query('UPDATE subusers SET permissions = ? WHERE server_id = ? AND user_id = ?', [JSON.stringify(['websocket.connect']), server.id, sub.user.id]);
    const stops = await stored(server, sub.user.id, [{ action: 'command', payload: 'say a' }, { action: 'command', payload: 'say b' }]);
    await runOnce(stops.id);
    expect(await denials(server.id)).toHaveLength(1);
    // Backups disabled on this server (limit 0): the backup task fails, and the run goes on past it.
    await panel.app.pool.query('UPDATE servers SET backup_limit = 0 WHERE id = ?', [server.id]);
    const goes = await stored(server, owner.id, [
      { action: 'backup', payload: '', continueOnFailure: true },
      { action: 'command', payload: 'say first' },
      { action: 'command', payload: 'say later', offset: 1 },
    ]);
    await runOnce(goes.id);
    const log = await activityOf(panel.app, server.id, 'server:console.command');
    expect(log.map((r) => r.properties.command)).toEqual(['say first', 'say later']);
    expect(log[1]!.timestamp.getTime() - log[0]!.timestamp.getTime()).toBeGreaterThanOrEqual(1000);
  });

  it('only_when_online: an offline server runs nothing', async () => {
    const { server, owner } = await world(panel.app, panel.url);
    const { id } = await stored(server, owner.id, [{ action: 'power', payload: 'start' }], { onlyWhenOnline: true });
    await runOnce(id);
    expect(await activityOf(panel.app, server.id, 'server:power.')).toEqual([]);
    expect(panel.app.daemon.status({ uuid: server.uuid, startupCommand: server.startupCommand })).toBe('offline');
  });

  it('recovers a run left is_processing by a killed panel after its lease, resuming what was still queued', async () => {
    const { server, owner } = await running();
    const { id, taskIds } = await stored(server, owner.id, [
      { action: 'command', payload: 'say done before the crash' }, { action: 'command', payload: 'say after recovery' },
    ]);
    // The dead panel had claimed the run, taken the first task off the queue (and sent it), then died.
    await panel.app.pool.query(
      'UPDATE schedules SET is_processing = 1, run_token = ?, lease_until = NOW(3) + INTERVAL 1 SECOND, run_by = ?, next_run_at = NOW(3) + INTERVAL 1 DAY WHERE id = ?',
      ['dead-panel-token', owner.id, id]);
    await panel.app.pool.query('UPDATE schedule_tasks SET is_queued = (id = ?) WHERE schedule_id = ?', [taskIds[1], id]);
    await eventually(async () => !(await scheduleRow(panel.app, id))?.is_processing, 'the stale run to be recovered');
    expect(await commands(server.id)).toEqual(['say after recovery']);
  });

  it('runs a schedule started by hand (execute) with the executor\'s keys, skipping the first offset', async () => {
    const { owned, base, server } = await running();
    const id = (await owned.post(base, { name: 'now', ...cron() })).body.attributes.id;
    await owned.post(`${base}/${id}/tasks`, { action: 'command', payload: 'say by hand', time_offset: 900 });
    expect((await owned.post(`${base}/${id}/execute`)).status).toBe(202);
    await eventually(async () => (await commands(server.id)).length === 1, 'the manual run');
    expect((await owned.post(`${base}/${id}/execute`)).status).not.toBe(500);
  });
});
