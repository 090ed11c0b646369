/**
 * One game server as a fake Wings node holds it: Wings' state machine (offline → starting → running → stopping),
 * its console (the last 150 lines, throttled like Wings' `throttles.lines`), its volume on disk, backups as
 * `.tar.gz` files, and the events Wings publishes on the server's websocket.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, lstatSync, mkdirSync, readFileSync, rmSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ignoreMatcher from 'ignore';
import * as tar from 'tar';

export type WingsState = 'offline' | 'starting' | 'running' | 'stopping';
export type Publish = (event: string, args: readonly string[]) => void;

const CONSOLE_LINES = 150;

export class FakeServer {
  state: WingsState = 'offline';
  installing = false;
  private lines: string[] = [];
  private startedAt = 0;
  private readonly subscribers = new Set<Publish>();
  private throttle = { windowStart: 0, count: 0, noticed: false };
  private timers = new Set<NodeJS.Timeout>();

  constructor(readonly uuid: string, readonly volume: string, readonly backupsDir: string, private readonly opts: {
    linesPer100ms: number; stepMs: number;
    /** Tells the panel's remote API a backup's or restore's outcome, before the socket hears of it (as Wings does). */
    report?: (path: string, body: Record<string, unknown>) => Promise<void>;
  }) {
    mkdirSync(volume, { recursive: true });
    mkdirSync(backupsDir, { recursive: true });
  }

  subscribe(fn: Publish): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  publish(event: string, args: readonly string[] = []): void {
    for (const fn of this.subscribers) fn(event, args);
  }

  logs(size: number): string[] { return this.lines.slice(-size); }

  /** Console output, counted against the per-100 ms throttle: excess is dropped with one notice. */
  console(line: string): void {
    const now = Date.now();
    if (now - this.throttle.windowStart >= 100) this.throttle = { windowStart: now, count: 0, noticed: false };
    if (++this.throttle.count > this.opts.linesPer100ms) {
      if (!this.throttle.noticed) this.publish('daemon message', ['Server is outputting console data too quickly -- throttling...']);
      this.throttle.noticed = true;
      return;
    }
    this.lines.push(line);
    if (this.lines.length > CONSOLE_LINES) this.lines.splice(0, this.lines.length - CONSOLE_LINES);
    this.publish('console output', [line]);
  }

  private setState(state: WingsState): void {
    this.state = state;
    if (state === 'starting') this.startedAt = Date.now();
    this.publish('status', [state]);
    this.publish('stats', [JSON.stringify(this.utilization())]);
  }

  private later(fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, this.opts.stepMs);
    this.timers.add(t);
  }

  power(action: 'start' | 'stop' | 'restart' | 'kill'): void {
    if (action === 'start' && this.state === 'offline') {
      this.setState('starting');
      this.later(() => { this.console('Fake game server ready'); this.setState('running'); });
    } else if (action === 'stop' && (this.state === 'running' || this.state === 'starting')) {
      this.setState('stopping');
      this.later(() => this.setState('offline'));
    } else if (action === 'kill' && this.state !== 'offline') {
      // Wings' Terminate marks the server stopping before offline, so the kill is not taken for a crash.
      this.setState('stopping');
      this.setState('offline');
    } else if (action === 'restart') {
      if (this.state === 'offline') this.power('start');
      else { this.setState('stopping'); this.later(() => { this.setState('offline'); this.power('start'); }); }
    }
  }

  /** A command line: the fake game echoes it, and `stop` stops it. */
  command(line: string): void {
    this.console(`> ${line}`);
    if (line.trim() === 'stop') this.power('stop');
  }

  utilization() {
    return {
      memory_bytes: this.state === 'offline' ? 0 : 64 * 1024 * 1024, memory_limit_bytes: 1024 * 1024 * 1024,
      cpu_absolute: this.state === 'running' ? 1.5 : 0, network: { rx_bytes: 0, tx_bytes: 0 },
      uptime: this.state === 'offline' ? 0 : Date.now() - this.startedAt, state: this.state, disk_bytes: diskUsage(this.volume),
    };
  }

  backupPath(uuid: string): string { return path.join(this.backupsDir, `${uuid}.tar.gz`); }

  /** Writes the backup, then publishes `backup completed:<uuid>` as Wings does. */
  async backup(uuid: string, ignore: string): Promise<{ checksum: string; size: number } | null> {
    // gitignore lines; none given → the root's .pteroignore, as Wings reads it. Symlinks are archived as links.
    let patterns = ignore;
    if (!patterns.trim()) {
      const file = path.join(this.volume, '.pteroignore');
      patterns = existsSync(file) && lstatSync(file).isFile() ? readFileSync(file, 'utf8') : '';
    }
    const ignored = ignoreMatcher().add(patterns);
    let result: { checksum: string; size: number } | null = null;
    try {
      await tar.create({
        gzip: true, cwd: this.volume, file: this.backupPath(uuid), follow: false,
        filter: (p, st) => {
          const rel = p.replace(/^\.\/?/, '');
          return rel === '' || !ignored.ignores('isDirectory' in st && st.isDirectory() ? `${rel}/` : rel);
        },
      }, ['.']);
      const hash = createHash('sha1');
      for await (const chunk of createReadStream(this.backupPath(uuid))) hash.update(chunk as Buffer);
      result = { checksum: hash.digest('hex'), size: statSync(this.backupPath(uuid)).size };
    } catch { rmSync(this.backupPath(uuid), { force: true }); }
    await this.opts.report?.(`/api/remote/backups/${uuid}`, { successful: result !== null, checksum: result?.checksum ?? '', checksum_type: 'sha1', size: result?.size ?? 0, parts: [] });
    const body = JSON.stringify({ uuid, is_successful: result !== null, checksum: result?.checksum ?? '', checksum_type: 'sha1', file_size: result?.size ?? 0 });
    this.publish(`backup completed:${uuid}`, [body]);
    return result;
  }

  async restore(uuid: string, truncate: boolean): Promise<boolean> {
    let ok = true;
    try {
      if (truncate) for (const name of readdirSync(this.volume)) rmSync(path.join(this.volume, name), { recursive: true, force: true });
      await tar.extract({ file: this.backupPath(uuid), cwd: this.volume, strict: true });
    } catch { ok = false; }
    // Wings tells the panel the outcome first, then publishes the end on the socket whatever the outcome.
    await this.opts.report?.(`/api/remote/backups/${uuid}/restore`, { successful: ok });
    this.publish('backup restore completed', ['']);
    return ok;
  }

  async install(): Promise<void> {
    this.installing = true;
    this.publish('install started', []);
    await new Promise((r) => setTimeout(r, this.opts.stepMs));
    this.publish('install output', ['Fake install script ran']);
    this.installing = false;
    this.publish('install completed', []);
  }

  close(): void { for (const t of this.timers) clearTimeout(t); this.subscribers.clear(); }
}

function diskUsage(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += diskUsage(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}
