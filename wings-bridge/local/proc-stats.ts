/**
 * CPU and memory of a process group from /proc (Linux), without extra dependencies. CPU is the share of one core
 * used since the previous sample (100 = one full core), as Wings' `cpu_absolute`.
 */
import { readdir, readFile } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

interface Sample { readonly ticks: number; readonly at: number }

export class ProcessGroupMeter {
  private previous: Sample | null = null;

  constructor(private readonly pgid: number) {}

  async sample(now = Date.now()): Promise<{ cpuAbsolute: number; memoryBytes: number }> {
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
    return { cpuAbsolute: Math.round(cpuAbsolute * 1000) / 1000, memoryBytes: rssPages * PAGE_BYTES };
  }
}
