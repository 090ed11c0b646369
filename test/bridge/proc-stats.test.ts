import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessGroupMeter } from '@bridge/local/proc-stats';

// A real process group (a detached shell and its sleep), read from /proc as the local daemon reads a server's.
let group: ChildProcess;
beforeAll(() => { group = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore' }); });
afterAll(() => { if (group.pid) { try { process.kill(-group.pid, 'SIGKILL'); } catch { /* gone already */ } } });

describe('ProcessGroupMeter', () => {
  it("reads the group's memory from /proc", async () => {
    const meter = new ProcessGroupMeter(group.pid as number);
    const usage = await meter.sample();
    expect(usage.memoryBytes).toBeGreaterThan(0);
    expect(usage.cpuAbsolute).toBe(0); // no previous sample to measure against
  });

  it('shares one reading between callers while it runs and within the interval, and reads afresh after it', async () => {
    const meter = new ProcessGroupMeter(group.pid as number, 1_000);
    const first = meter.sample(10_000);
    expect(meter.sample(10_000)).toBe(first); // the same reading of /proc, not a second walk
    const usage = await first;
    expect(await meter.sample(10_500)).toBe(usage); // within the interval: the figures already read
    const later = await meter.sample(11_000);
    expect(later).not.toBe(usage);
    expect(later.memoryBytes).toBeGreaterThan(0);
  });

  it('reads afresh when the clock went backwards rather than serving a figure from the future', async () => {
    const meter = new ProcessGroupMeter(group.pid as number, 1_000);
    const usage = await meter.sample(20_000);
    expect(await meter.sample(19_900)).not.toBe(usage);
  });

  it('reports nothing for a group that does not exist', async () => {
    const meter = new ProcessGroupMeter(2 ** 22 + 12345); // above Linux's pid_max
    expect(await meter.sample()).toEqual({ cpuAbsolute: 0, memoryBytes: 0 });
  });
});
