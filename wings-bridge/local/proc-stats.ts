/**
 * CPU and memory of a process group from /proc (Linux), without extra dependencies. CPU is the share of one core
 * used since the previous sample (100 = one full core), as Wings' `cpu_absolute`.
 *
 * A sample reads every `/proc/<pid>/stat` on the host (the group's members are not listed anywhere else), so it is
 * taken at most once per `minIntervalMs` and shared: callers within that window, and callers while one is being
 * read, get the same figures. Wings does the same — its resources endpoint answers with the usage its stats poll
 * last read, not a fresh read per request. (Without this, 20 `resources` requests a second walked /proc 20 times a
 * second and took a fifth of the panel's event loop in the soak bench; docs/reliability.md.)
 */
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;
const MIN_INTERVAL_MS = 1_000;

interface Sample { readonly ticks: number; readonly at: number }
export interface GroupUsage { readonly cpuAbsolute: number; readonly memoryBytes: number }

export class ProcessGroupMeter {
  private previous: Sample | null = null;
  private latest: { readonly at: number; readonly usage: GroupUsage } | null = null;
  private reading: Promise<GroupUsage> | null = null;

  constructor(private readonly pgid: number, private readonly minIntervalMs = MIN_INTERVAL_MS) {}

  sample(now = Date.now()): Promise<GroupUsage> {
    if (this.latest && now - this.latest.at < this.minIntervalMs && now >= this.latest.at) return Promise.resolve(this.latest.usage);
    if (this.reading) return this.reading;
    const reading = this.read(now).finally(() => { if (this.reading === reading) this.reading = null; });
    this.reading = reading;
    return reading;
  }

  private async read(now: number): Promise<GroupUsage> {
    let ticks = 0;
    let rssPages = 0;
    let entries: string[] = [];
    try { entries = await readdir('/proc'); } catch { return { cpuAbsolute: 0, memoryBytes: 0 }; }
    await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map(async (pid) => {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
      if (!stat) return;
      // Fields after the command name (which may contain spaces) start at ") ".
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== this.pgid) return;
      ticks += Number(fields[11]) + Number(fields[12]);
      rssPages += Number(fields[21]);
    }));
    const current = { ticks, at: now };
    const prev = this.previous;
    this.previous = current;
    let cpuAbsolute = 0;
    if (prev && now > prev.at) {
      cpuAbsolute = Math.max(0, ((ticks - prev.ticks) / TICKS_PER_SECOND) / ((now - prev.at) / 1000) * 100);
    }
    const usage = { cpuAbsolute: Math.round(cpuAbsolute * 1000) / 1000, memoryBytes: rssPages * PAGE_BYTES };
    this.latest = { at: now, usage };
    return usage;
  }
}
