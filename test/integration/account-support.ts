import { spawn } from 'node:child_process';
import path from 'node:path';
import type { TestPanel } from '../factories/panel';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** A clock the test moves by hand (TOTP steps, key expiry, checkpoint expiry). */
export function manualClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => { t += ms; }, set: (ms: number) => { t = ms; } };
}

/** Runs `npm run cohost -- …` as a real child process against the panel's database. */
export function cli(panel: TestPanel, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'server/bin/cohost.mjs'), ...args], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: panel.database.url, DATA_DIR: panel.dataDir, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

export interface ActivityLine { event: string; ip: string | null; user_agent: string | null; properties: unknown; api_key_id: number | null }

/** The activity rows of one user, oldest first. */
export async function activityOf(panel: TestPanel, userId: number): Promise<ActivityLine[]> {
  const [rows] = await panel.app.pool.query('SELECT event, ip, user_agent, properties, api_key_id FROM activity_logs WHERE actor_id = ? ORDER BY id', [userId]);
  return (rows as ActivityLine[]).map((r) => ({ ...r, properties: typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties }));
}
