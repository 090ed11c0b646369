import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DaemonEvent, DaemonServer, InstallSpec } from '@bridge/daemon';
import { LocalDaemon } from '@bridge/local/local-daemon';

/** LocalDaemon's part of DESIGN §14: the done marker, the stop, options read at every start, the install runner. */
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-startup-daemon-'));
const daemon = new LocalDaemon({ dataDir, runningAfterMs: 60_000, stopGraceMs: 2_000, installTimeoutMs: 1_500 });
afterAll(async () => {
  await daemon.close();
  rmSync(dataDir, { recursive: true, force: true });
});

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
const spec = (script: string, extra: Partial<InstallSpec> = {}): InstallSpec => ({ script, entrypoint: 'sh', environment: {}, wipe: false, ...extra });

describe('LocalDaemon and software definitions', () => {
  it('marks running on the definition\'s done text (not the default marker) and stops with its signal', async () => {
    const uuid = randomUUID();
    const s: DaemonServer = {
      uuid, done: 'Ready to serve', stop: { type: 'signal', value: 'SIGINT' }, environment: { GREETING: 'hello there' },
      startupCommand: `trap 'echo got INT; exit 0' INT; echo "Done (1s)!"; echo "$GREETING"; sleep 0.3; echo "Ready to serve"; while true; do sleep 0.05; done`,
    };
    const events = record(s);
    await daemon.power(s, 'start');
    await until(() => events.some((e) => e.type === 'console' && e.lines.includes('hello there')), 'the greeting');
    expect(daemon.status(s)).toBe('starting'); // "Done (1s)!" is not this software's marker
    await until(() => daemon.status(s) === 'running', 'running');
    await daemon.power(s, 'stop');
    await until(() => daemon.status(s) === 'offline', 'offline');
    expect(events.some((e) => e.type === 'console' && e.lines.includes('got INT'))).toBe(true);
    // The next start reads the options afresh.
    const next: DaemonServer = { ...s, done: '/^second \\d+$/', environment: { GREETING: 'second 2' }, stop: { type: 'command', value: 'quit' },
      startupCommand: 'echo "$GREETING"; while read l; do [ "$l" = quit ] && exit 0; done' };
    await daemon.power(next, 'start');
    await until(() => daemon.status(next) === 'running', 'running on the new marker');
    await daemon.power(next, 'stop');
    await until(() => daemon.status(next) === 'offline', 'offline after quit');
  });

  it('installs: stops the server first, runs in the root with the environment, publishes started/output/completed', async () => {
    const s: DaemonServer = { uuid: randomUUID(), startupCommand: 'echo "Done (0s)!"; sleep 30' };
    const events = record(s);
    await daemon.power(s, 'start');
    const result = await daemon.install(s, spec('echo "v=$VERSION"; pwd; echo data > installed.txt; echo oops >&2', { environment: { VERSION: '1.21' } }));
    expect(result).toMatchObject({ successful: true, exitCode: 0 });
    expect(daemon.status(s)).toBe('offline');
    const root = path.join(dataDir, 'servers', s.uuid);
    expect(readFileSync(path.join(root, 'installed.txt'), 'utf8')).toBe('data\n');
    const types = events.map((e) => e.type).filter((t) => t.startsWith('install'));
    expect(types[0]).toBe('install started');
    expect(types.at(-1)).toBe('install completed');
    const output = events.flatMap((e) => (e.type === 'install output' ? e.lines : []));
    expect(output).toEqual(expect.arrayContaining(['v=1.21', root, 'oops']));
    expect(events.find((e) => e.type === 'install completed')).toEqual({ type: 'install completed', successful: true });
  });

  it('fails on a non-zero exit or the timeout, refuses a start or a second install meanwhile, wipes on request', async () => {
    const s: DaemonServer = { uuid: randomUUID(), startupCommand: 'true' };
    const root = path.join(dataDir, 'servers', s.uuid);
    mkdirSync(path.join(root, 'world'), { recursive: true });
    writeFileSync(path.join(root, 'world', 'level.dat'), 'x');
    expect(await daemon.install(s, spec('exit 4'))).toMatchObject({ successful: false, exitCode: 4 });
    const slow = daemon.install(s, spec('sleep 20 & sleep 20'));
    await expect(daemon.install(s, spec('true'))).rejects.toThrow(/already running/);
    await expect(daemon.power(s, 'start')).rejects.toThrow(/installing/);
    expect((await slow).detail).toMatch(/longer than 1500 ms/);
    const marker = `cohost-wiped-${randomUUID()}`;
    expect(await daemon.install(s, spec(`echo ${marker} > fresh.txt`, { wipe: true }))).toMatchObject({ successful: true });
    expect(readdirSync(root)).toEqual(['fresh.txt']);
    expect(existsSync(path.join(root, 'world'))).toBe(false);
  });
});
