import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DaemonEvent, DaemonServer, ServerFilesystem } from '@bridge/daemon';
import { LocalDaemon } from '@bridge/local/local-daemon';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-daemon-'));
const daemon = new LocalDaemon({ dataDir, runningAfterMs: 300, stopGraceMs: 300, statsIntervalMs: 100 });
afterAll(async () => {
  await daemon.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const server = (startupCommand: string): DaemonServer => ({ uuid: randomUUID(), startupCommand });
function record(s: DaemonServer): DaemonEvent[] {
  const events: DaemonEvent[] = [];
  daemon.subscribe(s, (e) => events.push(e));
  return events;
}
async function until(test: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !test(); waited += 50) {
    if (waited > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const states = (events: DaemonEvent[]) => events.flatMap((e) => (e.type === 'status' ? [e.state] : []));
const processesWith = (marker: string) => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
  try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker); } catch { return false; }
});

describe('LocalDaemon', () => {
  it('measures the directory afresh after a start provisions it (no stale size from before)', async () => {
    const s = server('node sample-game-server.mjs');
    expect((await daemon.stats(s)).diskBytes).toBe(0); // nothing there yet, and the size is now cached
    await daemon.power(s, 'start');
    expect((await daemon.stats(s)).diskBytes).toBeGreaterThan(0);
    await daemon.power(s, 'kill');
    await until(() => daemon.status(s) === 'offline', 'offline');
  });

  it('does not keep the size of a walk that was running when the directory changed', async () => {
    const s = server('node sample-game-server.mjs');
    const walking = daemon.stats(s); // walks the empty directory
    await daemon.power(s, 'start'); // provisions the sample server while that walk is still under way
    await walking;
    expect((await daemon.stats(s)).diskBytes).toBeGreaterThan(0);
    await daemon.power(s, 'kill');
    await until(() => daemon.status(s) === 'offline', 'offline');
  });

  it('copies the bundled sample into a new server directory and runs it from there', async () => {
    const s = server('node sample-game-server.mjs');
    const events = record(s);
    await daemon.power(s, 'start');
    expect(existsSync(path.join(dataDir, 'servers', s.uuid, 'sample-game-server.mjs'))).toBe(true);
    await until(() => daemon.status(s) === 'running', 'running');
    expect(states(events)).toEqual(['starting', 'running']);
    await until(() => events.some((e) => e.type === 'stats'), 'a stats frame');
    await daemon.power(s, 'kill');
    await until(() => daemon.status(s) === 'offline', 'offline');
  });

  it('counts a process that stays up as running when it never prints a ready line', async () => {
    const s = server('exec sleep 60');
    const events = record(s);
    await daemon.power(s, 'start');
    await until(() => daemon.status(s) === 'running', 'running');
    expect(states(events)).toEqual(['starting', 'running']);
    await daemon.power(s, 'kill');
    await until(() => daemon.status(s) === 'offline', 'offline');
  });

  it('escalates a stop the process ignores to SIGTERM, then SIGKILL', async () => {
    const s = server("trap '' TERM; while true; do sleep 1; done");
    const events = record(s);
    await daemon.power(s, 'start');
    await until(() => daemon.status(s) === 'running', 'running');
    await daemon.power(s, 'stop');
    await until(() => daemon.status(s) === 'offline', 'offline');
    expect(states(events)).toEqual(['starting', 'running', 'stopping', 'offline']);
    expect(events.some((e) => e.type === 'daemon message' && /unexpectedly/.test(e.line))).toBe(false);
  });

  it('keeps the last 150 console lines', async () => {
    const s = server('for i in $(seq 1 200); do echo "line $i"; done; exec sleep 60');
    const events = record(s);
    await daemon.power(s, 'start');
    await until(() => events.some((e) => e.type === 'console' && e.lines.includes('line 200')), 'line 200');
    const logs = await daemon.logs(s, 150);
    expect(logs).toHaveLength(150);
    expect(logs[0]).toBe('line 51');
    expect(logs.at(-1)).toBe('line 200');
    expect(await daemon.logs(s, 3)).toEqual(['line 198', 'line 199', 'line 200']);
    await daemon.power(s, 'kill');
  });

  it('leaves no process of any server behind after close()', async () => {
    const marker = `cohost-orphan-${randomUUID()}`;
    const own = new LocalDaemon({ dataDir, runningAfterMs: 100, stopGraceMs: 200 });
    const s = server(`node -e "setInterval(() => {}, 1000)" ${marker} & exec sleep 60`);
    await own.power(s, 'start');
    await until(() => own.status(s) === 'running', 'running');
    expect(processesWith(marker).length).toBeGreaterThan(0);
    await own.close();
    expect(own.status(s)).toBe('offline');
    await until(() => processesWith(marker).length === 0, 'no orphans');
  });

  it('delegates files() to the configured filesystem and says so clearly when there is none', () => {
    const s = server('true');
    expect(() => daemon.files(s)).toThrow(/No filesystem is configured/);
    const fs = { list: async () => [], stat: async () => { throw new Error('none'); } } as unknown as ServerFilesystem;
    const withFs = new LocalDaemon({ dataDir, filesystemFor: () => fs });
    expect(withFs.files(s)).toBe(fs);
  });
});
