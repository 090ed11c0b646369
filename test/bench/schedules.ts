import { insertSchedule, insertTask } from '@db/repositories/schedules';
import type { RowDataPacket } from 'mysql2';
import { sweepSchedules } from '@server/services/schedules/sweep-schedules';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser } from '../factories/records';
import { killToOffline, startRunning } from '../matrix/processes';
import { median, percentile, row, type BenchRow } from './report';

const ACTIVE = 1000;
const WAVES = 3;
const DUE_PER_WAVE = 100;

async function seed(panel: TestPanel, withTasks: boolean) {
  const owner = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  const now = new Date();
  const ids: number[] = [];
  for (let i = 0; i < ACTIVE; i++) {
    const id = await insertSchedule(panel.app.db, {
      serverId: server.id, name: `b${i}`, cronMinute: '0', cronHour: '4', cronDayOfMonth: '*', cronMonth: '*', cronDayOfWeek: '*',
      nextRunAt: new Date(Date.now() + 86_400_000), lastSavedBy: owner.id, createdAt: now, updatedAt: now,
    });
    if (withTasks) await insertTask(panel.app.db, { scheduleId: id, sequenceId: 1, action: 'command', payload: `say b${i}`, createdAt: now, updatedAt: now });
    ids.push(id);
  }
  return { server, ids };
}

/**
 * Scheduler precision: 1,000 active schedules on one server, waves of 100 made due at one instant T; the latency is
 * T → the moment the runner takes the task off the queue (its start), read from the task row. Reported against the
 * tick, the figure the design sets it by (RUNNER_TICK_MS, default 1 s).
 */
async function precision(): Promise<BenchRow[]> {
  const tick = 1000;
  const panel = await startTestPanel({ env: { RUNNER_TICK_MS: String(tick) } });
  try {
    const { server, ids } = await seed(panel, true);
    await startRunning(panel.app, server);
    const latencies: number[] = [];
    for (let w = 0; w < WAVES; w++) {
      const wave = ids.slice(w * DUE_PER_WAVE, (w + 1) * DUE_PER_WAVE);
      const due = new Date(Date.now() + 1500 + Math.random() * tick); // a random phase against the ticks
      await panel.app.pool.query('UPDATE schedules SET next_run_at = ? WHERE id IN (?)', [due, wave]);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [rows] = await panel.app.pool.query<RowDataPacket[]>(
          'SELECT t.updated_at AS started FROM schedule_tasks t JOIN schedules s ON s.id = t.schedule_id WHERE s.id IN (?) AND s.last_run_at >= ?', [wave, due]);
        if (rows.length === wave.length) { for (const r of rows) latencies.push((r.started as Date).getTime() - due.getTime()); break; }
        if (Date.now() > deadline) throw new Error('a wave did not finish within 60 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await killToOffline(panel.app, server);
    const p99 = percentile(latencies, 99);
    return [
      row('schedules', `precision p50 (${ACTIVE} active, waves of ${DUE_PER_WAVE})`, percentile(latencies, 50), 'ms'),
      row('schedules', `precision p99 (${ACTIVE} active, waves of ${DUE_PER_WAVE})`, p99, 'ms', `≤ 2× tick (${tick} ms)`, p99 <= 2 * tick),
      row('schedules', 'precision p99 / tick', p99 / tick, '×'),
    ];
  } finally {
    await panel.close();
  }
}

/**
 * The cost of one claim round (the schedules sweep's transaction), beside a bare `SELECT 1` round trip measured in
 * the same run: idle (1,000 active, none due: what every tick costs) and claiming a full batch of 100.
 */
async function claimRound(): Promise<BenchRow[]> {
  const panel = await startTestPanel({ env: { RUNNER_ENABLED: 'false' } });
  try {
    const { ids } = await seed(panel, false);
    const time = async (fn: () => Promise<unknown>) => { const t0 = process.hrtime.bigint(); await fn(); return Number(process.hrtime.bigint() - t0) / 1e6; };
    const ping: number[] = [];
    const idle: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < 30; i++) ping.push(await time(() => panel.app.pool.query('SELECT 1')));
    for (let i = 0; i < 30; i++) idle.push(await time(() => sweepSchedules(panel.app, new Date())));
    for (let i = 0; i < 10; i++) {
      const batch = ids.slice((i % 10) * 100, (i % 10) * 100 + 100);
      await panel.app.pool.query('UPDATE schedules SET next_run_at = NOW(3) - INTERVAL 1 SECOND, is_processing = 0 WHERE id IN (?)', [batch]);
      full.push(await time(() => sweepSchedules(panel.app, new Date())));
      while (panel.app.work.inFlight) await new Promise((r) => setTimeout(r, 20));
    }
    const base = median(ping);
    return [
      row('schedules', 'SELECT 1 round trip (baseline)', base, 'ms'),
      row('schedules', `claim round, idle (${ACTIVE} active)`, median(idle), 'ms', '', null, `${(median(idle) / base).toFixed(1)}× baseline`),
      row('schedules', 'claim round, 100 due', median(full), 'ms', '', null, `${(median(full) / base).toFixed(1)}× baseline, ${(median(full) / 100).toFixed(2)} ms per claim`),
    ];
  } finally {
    await panel.close();
  }
}

export async function benchSchedules(): Promise<BenchRow[]> {
  return [...(await claimRound()), ...(await precision())];
}
