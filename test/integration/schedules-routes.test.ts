import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { activityOf, cron, member, rows, scheduleRow, world } from './schedules-support';

let panel: TestPanel;
beforeAll(async () => {
  // The runner is off: these tests look at what the routes store; runs are the runner tests' business.
  panel = await startTestPanel({ env: { RUNNER_ENABLED: 'false', APP_TIMEZONE: 'Europe/Berlin', SERVER_THROTTLES: 'schedule.create=30/60' } });
});
afterAll(async () => { await panel?.close(); });

const w = () => world(panel.app, panel.url);
const berlin = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));

describe('schedule routes', () => {
  it('creates, lists, shows, updates and deletes a schedule in Pterodactyl\'s shapes, next_run_at in UTC from the panel timezone', async () => {
    const { owned, base, server, owner } = await w();
    const created = await owned.post(base, { name: 'Nightly', ...cron('0', '4'), only_when_online: true });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: 'server_schedule',
      attributes: {
        name: 'Nightly', cron: { minute: '0', hour: '4', day_of_month: '*', month: '*', day_of_week: '*' },
        is_active: true, is_processing: false, only_when_online: true, last_run_at: null,
        relationships: { tasks: { object: 'list', data: [] } },
      },
    });
    const a = created.body.attributes;
    expect(a.next_run_at).toMatch(/Z$/);
    expect(berlin(a.next_run_at)).toBe('04:00'); // 04:00 on the panel's wall clock, stored as UTC
    expect(new Date(a.next_run_at).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(a.next_run_at).getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    const list = await owned.get(base);
    expect(list.body).toMatchObject({ object: 'list', data: [{ object: 'server_schedule', attributes: { id: a.id } }] });
    expect((await owned.get(`${base}/${a.id}`)).body.attributes.name).toBe('Nightly');

    const updated = await owned.post(`${base}/${a.id}`, { name: 'Hourly', ...cron('30', '*'), is_active: false });
    expect(updated.status).toBe(200);
    expect(updated.body.attributes).toMatchObject({ name: 'Hourly', is_active: false, only_when_online: true, cron: { minute: '30', hour: '*' } });
    expect(berlin(updated.body.attributes.next_run_at)).toMatch(/:30$/);
    expect((await scheduleRow(panel.app, a.id))?.last_saved_by).toBe(owner.id);

    expect((await owned.delete(`${base}/${a.id}`)).status).toBe(204);
    expect((await owned.get(`${base}/${a.id}`)).status).toBe(404);
    expect((await activityOf(panel.app, server.id, 'server:schedule.')).map((r) => r.event))
      .toEqual(['server:schedule.create', 'server:schedule.update', 'server:schedule.delete']);
  });

  it('refuses bad cron fields with a 422 naming the field, and bad names', async () => {
    const { owned, base } = await w();
    for (const [field, value] of [['minute', '61'], ['hour', '24'], ['day_of_week', 'funday'], ['month', '13'], ['day_of_month', '0'], ['minute', '1 2']]) {
      const res = await owned.post(base, { name: 'x', ...cron(), [field as string]: value });
      expect(res.status, `${field}=${value}`).toBe(422);
      expect(res.body.errors[0].meta.source_field).toBe(field);
    }
    const never = await owned.post(base, { name: 'x', ...cron(), day_of_month: '31', month: '2' });
    expect(never.status).toBe(422);
    expect((await owned.post(base, { ...cron() })).body.errors[0].meta.source_field).toBe('name');
    expect((await owned.get(base)).body.data).toEqual([]);
  });

  it('answers 404 for a schedule of another server and for malformed ids', async () => {
    const one = await w();
    const two = await w();
    const id = (await one.owned.post(one.base, { name: 'mine', ...cron() })).body.attributes.id;
    expect((await two.owned.get(`${two.base}/${id}`)).status).toBe(404);
    expect((await two.owned.delete(`${two.base}/${id}`)).status).toBe(404);
    expect((await one.owned.get(`${one.base}/abc`)).status).toBe(404);
  });

  it('keeps tasks in sequence: insert shifts, move reorders, delete closes up; at most 10', async () => {
    const { owned, base, server } = await w();
    const id = (await owned.post(base, { name: 'seq', ...cron() })).body.attributes.id;
    const t = `${base}/${id}/tasks`;
    const first = await owned.post(t, { action: 'command', payload: 'say one', time_offset: 0 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: 'schedule_task', attributes: { sequence_id: 1, action: 'command', payload: 'say one', time_offset: 0, is_queued: false, continue_on_failure: false } });
    await owned.post(t, { action: 'power', payload: 'restart', time_offset: 30, continue_on_failure: true });
    const inserted = await owned.post(t, { action: 'command', payload: 'say zero', time_offset: 5, sequence_id: 1 });
    expect(inserted.body.attributes.sequence_id).toBe(1);
    const order = async () => (await owned.get(`${base}/${id}`)).body.attributes.relationships.tasks.data
      .map((d: { attributes: { sequence_id: number; payload: string } }) => `${d.attributes.sequence_id}:${d.attributes.payload}`);
    expect(await order()).toEqual(['1:say zero', '2:say one', '3:restart']);
    const moved = await owned.post(`${t}/${inserted.body.attributes.id}`, { action: 'command', payload: 'say last', time_offset: 5, sequence_id: 3 });
    expect(moved.status).toBe(200);
    expect(await order()).toEqual(['1:say one', '2:restart', '3:say last']);
    expect((await owned.delete(`${t}/${first.body.attributes.id}`)).status).toBe(204);
    expect(await order()).toEqual(['1:restart', '2:say last']);
    for (let i = 0; i < 8; i++) expect((await owned.post(t, { action: 'command', payload: `say ${i}`, time_offset: 0 })).status).toBe(200);
    const eleventh = await owned.post(t, { action: 'command', payload: 'say 11', time_offset: 0 });
    expect(eleventh.status).toBe(400);
    expect(eleventh.body.errors[0].detail).toMatch(/more than 10 tasks/);
    expect((await activityOf(panel.app, server.id, 'server:task.')).map((r) => r.event).slice(0, 5))
      .toEqual(['server:task.create', 'server:task.create', 'server:task.create', 'server:task.update', 'server:task.delete']);
  });

  it('validates task bodies: offsets 0–900, power signals, command lines; a backup task takes its ignored files', async () => {
    const { owned, base } = await w();
    const id = (await owned.post(base, { name: 'v', ...cron() })).body.attributes.id;
    const t = `${base}/${id}/tasks`;
    const bad = [
      [{ action: 'command', payload: 'say', time_offset: 901 }, 'time_offset'],
      [{ action: 'command', payload: 'say', time_offset: -1 }, 'time_offset'],
      [{ action: 'power', payload: 'explode', time_offset: 0 }, 'payload'],
      [{ action: 'command', payload: '  ', time_offset: 0 }, 'payload'],
      [{ action: 'reboot', payload: 'x', time_offset: 0 }, 'action'],
    ] as const;
    for (const [body, field] of bad) {
      const res = await owned.post(t, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0].meta.source_field).toBe(field);
    }
    const backup = await owned.post(t, { action: 'backup', payload: '*.log', time_offset: 0 });
    expect(backup.status).toBe(200);
    expect(backup.body.attributes).toMatchObject({ action: 'backup', payload: '*.log' });
    expect((await owned.get(`${base}/${id}`)).body.attributes.relationships.tasks.data).toHaveLength(1);
  });

  it('executes now with 202, refuses without tasks (400), and logs the execution', async () => {
    const { owned, base, server } = await w();
    const id = (await owned.post(base, { name: 'run', ...cron() })).body.attributes.id;
    expect((await owned.post(`${base}/${id}/execute`)).status).toBe(400);
    await owned.post(`${base}/${id}/tasks`, { action: 'command', payload: 'say now', time_offset: 0 });
    const res = await owned.post(`${base}/${id}/execute`);
    expect(res.status).toBe(202);
    expect((await activityOf(panel.app, server.id, 'server:schedule.execute')).length).toBe(1);
  });
});

describe('no privilege bleed when saving or running by hand', () => {
  it('a subuser with only schedule.* cannot create a command task, nor run one', async () => {
    const { owned, base, server } = await w();
    const sub = await member(panel.app, panel.url, server, ['schedule.create', 'schedule.read', 'schedule.update', 'schedule.delete']);
    const mine = await sub.client.post(base, { name: 'sub', ...cron() });
    expect(mine.status).toBe(200);
    const refused = await sub.client.post(`${base}/${mine.body.attributes.id}/tasks`, { action: 'command', payload: 'op me', time_offset: 0 });
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].meta.permission).toBe('control.console');
    // The owner's schedule with a command task: the subuser can neither run it, nor re-save it (becoming its saver).
    const owners = (await owned.post(base, { name: 'owner', ...cron() })).body.attributes.id;
    const task = (await owned.post(`${base}/${owners}/tasks`, { action: 'command', payload: 'say hi', time_offset: 0 })).body.attributes.id;
    expect((await sub.client.post(`${base}/${owners}/execute`)).status).toBe(403);
    expect((await sub.client.post(`${base}/${owners}`, { name: 'mine now', ...cron() })).status).toBe(403);
    expect((await sub.client.post(`${base}/${owners}/tasks/${task}`, { action: 'command', payload: 'op me', time_offset: 0 })).status).toBe(403);
    expect((await sub.client.post(`${base}/${owners}/tasks`, { action: 'power', payload: 'start', time_offset: 0 })).status).toBe(403);
    expect(await rows(panel.app, 'SELECT id FROM activity_logs WHERE server_id = ? AND event = ?', [server.id, 'server:schedule.execute'])).toEqual([]);
    // Removing a task grants nothing: schedule.update is enough.
    expect((await sub.client.delete(`${base}/${owners}/tasks/${task}`)).status).toBe(204);
  });

  it('power tasks need the key of their signal (kill needs control.stop); backup needs backup.create', async () => {
    const { base, server } = await w();
    const sub = await member(panel.app, panel.url, server, ['schedule.create', 'schedule.update', 'control.start']);
    const id = (await sub.client.post(base, { name: 'p', ...cron() })).body.attributes.id;
    const t = `${base}/${id}/tasks`;
    expect((await sub.client.post(t, { action: 'power', payload: 'start', time_offset: 0 })).status).toBe(200);
    for (const [signal, key] of [['stop', 'control.stop'], ['kill', 'control.stop'], ['restart', 'control.restart']]) {
      const res = await sub.client.post(t, { action: 'power', payload: signal, time_offset: 0 });
      expect(res.status, signal).toBe(403);
      expect(res.body.errors[0].meta.permission).toBe(key);
    }
    const backup = await sub.client.post(t, { action: 'backup', payload: '', time_offset: 0 });
    expect(backup.status).toBe(403);
    expect(JSON.stringify(backup.body)).toContain('backup.create');
    expect((await sub.client.post(`${base}/${id}/execute`)).status).toBe(202);
  });
});

describe('limits and throttles', () => {
  it('20 parallel creates at limit − 1 leave exactly the limit (the server row is locked)', async () => {
    const { owned, base, server } = await w();
    await panel.app.pool.query('UPDATE servers SET schedule_limit = 3 WHERE id = ?', [server.id]);
    for (let i = 0; i < 2; i++) expect((await owned.post(base, { name: `s${i}`, ...cron() })).status).toBe(200);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => owned.post(base, { name: `p${i}`, ...cron() })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(19);
    expect(results.find((r) => r.status === 400)?.body.errors[0].detail).toMatch(/schedule limit of 3/);
    expect((await owned.get(base)).body.data).toHaveLength(3);
  });

  it('a limit of 0 disables schedules; the per-server throttle answers 429 with Retry-After', async () => {
    const zero = await world(panel.app, panel.url, { scheduleLimit: 0 });
    const res = await zero.owned.post(zero.base, { name: 'x', ...cron() });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].detail).toMatch(/disabled/);
    const { owned, base } = await w();
    for (let i = 0; i < 30; i++) expect((await owned.post(base, { name: `t${i}`, ...cron() })).status).toBe(200);
    const throttled = await owned.post(base, { name: 'one too many', ...cron() });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
