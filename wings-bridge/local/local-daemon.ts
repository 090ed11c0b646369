/**
 * LocalDaemon (DESIGN §7): runs each server as a child process on this host, in `DATA_DIR/servers/<uuid>`.
 * The file operations belong to the files module and are plugged in through `filesystemFor`.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { doneMatcher } from '@contracts/software';
import {
  DaemonStateError, type BackupRequest, type BackupResult, type Daemon, type DaemonEvent, type DaemonListener, type DaemonServer,
  type InstallResult, type InstallSpec, type PowerAction, type ProcessExit, type ServerFilesystem, type ServerState, type ServerStats,
} from '../daemon';
import { LocalBackups } from '../backups/local-backups';
import { runInstallScript } from './install-runner';
import { LocalFileReceiver, type FileReceiver } from '../files/receive';
import { ServerProcess, type ProcessOptions } from './server-process';

export const SAMPLE_GAME_SERVER = fileURLToPath(new URL('./sample-game-server.mjs', import.meta.url));
const SAMPLE_COMMAND = /^node\s+sample-game-server\.mjs\b/;
/** Environment a server process may see: no panel secrets. */
const PASSED_ENV = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'SAMPLE_BOOT_MS'];
const DISK_TTL_MS = 10_000;

export interface LocalDaemonOptions {
  /** The root under which each server gets `servers/<uuid>`. */
  readonly dataDir: string;
  readonly readyMarker?: RegExp;
  readonly runningAfterMs?: number;
  readonly stopGraceMs?: number;
  readonly statsIntervalMs?: number;
  readonly stopCommand?: string;
  /** An install script running longer is killed and the install fails (default 15 minutes). */
  readonly installTimeoutMs?: number;
  readonly filesystemFor?: (server: DaemonServer) => ServerFilesystem;
}

export class LocalDaemon implements Daemon {
  private readonly processes = new Map<string, ServerProcess>();
  private readonly disk = new Map<string, { at: number; bytes: number }>();
  private readonly diskWalks = new Map<string, Promise<number>>();
  /** Subscribers per server for the events the panel publishes (backups), beside the process's own. */
  private readonly published = new Map<string, Set<DaemonListener>>();
  private readonly backups: LocalBackups;
  /** Running installs by server uuid; aborting one kills its script. */
  private readonly installing = new Map<string, AbortController>();
  private closed = false;

  constructor(private readonly options: LocalDaemonOptions) {
    this.backups = new LocalBackups(options.dataDir);
  }

  serverDir(server: DaemonServer): string {
    return path.join(path.resolve(this.options.dataDir), 'servers', server.uuid);
  }

  async power(server: DaemonServer, action: PowerAction): Promise<void> {
    if (this.closed) throw new Error('The daemon is shutting down.');
    // A start may provision files (the bundled sample server): measure the directory afresh.
    const proc = this.process(server);
    if (action === 'start' || action === 'restart') {
      if (this.installing.has(server.uuid)) throw new DaemonStateError('The server is installing.');
      this.forgetDisk(server.uuid);
      // Command, environment, done marker and stop are read afresh at every start (DESIGN §14).
      proc.configure(this.processOptions(server));
    }
    await proc.power(action);
  }

  async command(server: DaemonServer, line: string): Promise<void> {
    const proc = this.process(server);
    if (proc.state === 'offline') throw new DaemonStateError('The server is offline.');
    proc.write(line);
  }

  async logs(server: DaemonServer, lines: number): Promise<string[]> {
    return this.processes.get(server.uuid)?.logs(lines) ?? [];
  }

  subscribe(server: DaemonServer, listener: DaemonListener): () => void {
    const unsubscribe = this.process(server).subscribe(listener);
    const stopStats = this.streamStats(server, listener);
    let set = this.published.get(server.uuid);
    if (!set) this.published.set(server.uuid, (set = new Set()));
    set.add(listener);
    return () => {
      unsubscribe(); stopStats();
      set.delete(listener);
      if (!set.size && this.published.get(server.uuid) === set) this.published.delete(server.uuid);
    };
  }

  async stats(server: DaemonServer): Promise<ServerStats> {
    const proc = this.processes.get(server.uuid);
    const usage = proc ? await proc.usage() : { cpuAbsolute: 0, memoryBytes: 0 };
    return {
      state: proc?.state ?? 'offline', cpuAbsolute: usage.cpuAbsolute, memoryBytes: usage.memoryBytes,
      diskBytes: await this.diskBytes(server), uptimeMs: proc?.uptimeMs() ?? 0,
    };
  }

  /**
   * The size of the server's directory, walked at most every DISK_TTL_MS (a large world is slow to walk); callers
   * while a walk runs share it. A walk running when the figure is forgotten (`forgetDisk`) does not store its result.
   */
  private diskBytes(server: DaemonServer): Promise<number> {
    const cached = this.disk.get(server.uuid);
    if (cached && Date.now() - cached.at < DISK_TTL_MS) return Promise.resolve(cached.bytes);
    const running = this.diskWalks.get(server.uuid);
    if (running) return running;
    const walk: Promise<number> = directorySize(this.serverDir(server)).then((bytes) => {
      if (this.diskWalks.get(server.uuid) === walk) this.disk.set(server.uuid, { at: Date.now(), bytes });
      return bytes;
    }).finally(() => { if (this.diskWalks.get(server.uuid) === walk) this.diskWalks.delete(server.uuid); });
    this.diskWalks.set(server.uuid, walk);
    return walk;
  }

  /** The directory changed (start, install, restore, received files): the next figure is walked afresh. */
  private forgetDisk(uuid: string): void {
    this.disk.delete(uuid);
    this.diskWalks.delete(uuid);
  }

  status(server: DaemonServer): ServerState {
    return this.processes.get(server.uuid)?.state ?? 'offline';
  }

  async install(server: DaemonServer, spec: InstallSpec): Promise<InstallResult> {
    if (this.closed) throw new Error('The daemon is shutting down.');
    if (this.installing.has(server.uuid)) throw new DaemonStateError('An install is already running for this server.');
    const abort = new AbortController();
    this.installing.set(server.uuid, abort);
    const proc = this.process(server);
    try {
      await proc.killAndWait();
      proc.publish({ type: 'install started' });
      const cwd = this.serverDir(server);
      mkdirSync(cwd, { recursive: true });
      const result = await runInstallScript({
        cwd, spec, baseEnv: this.baseEnv(server), timeoutMs: this.options.installTimeoutMs ?? 15 * 60_000,
        output: (lines) => proc.publish({ type: 'install output', lines }), signal: abort.signal,
      }).catch((err: unknown): InstallResult => ({ successful: false, exitCode: null, detail: (err as Error).message }));
      this.forgetDisk(server.uuid);
      proc.publish({ type: 'install completed', successful: result.successful });
      return result;
    } finally {
      this.installing.delete(server.uuid);
    }
  }

  files(server: DaemonServer): ServerFilesystem {
    if (!this.options.filesystemFor) throw new Error('No filesystem is configured for the local daemon.');
    return this.options.filesystemFor(server);
  }

  async backup(server: DaemonServer, request: BackupRequest, onProgress?: (bytes: number) => void): Promise<BackupResult> {
    if (this.closed) throw new Error('The daemon is shutting down.');
    return this.backups.create(server.uuid, request, onProgress);
  }

  /** Stops the server (waiting for its exit), then restores; the disk figure is measured afresh afterwards. */
  async restore(server: DaemonServer, uuid: string, options: { readonly truncate: boolean }): Promise<void> {
    if (this.closed) throw new Error('The daemon is shutting down.');
    await this.processes.get(server.uuid)?.stopAndWait();
    try {
      await this.backups.restore(server.uuid, uuid, options.truncate, path.join(path.resolve(this.options.dataDir), 'trash', server.uuid));
    } finally {
      this.forgetDisk(server.uuid);
    }
  }

  deleteBackup(server: DaemonServer, uuid: string): Promise<void> {
    return this.backups.delete(server.uuid, uuid);
  }

  openBackup(server: DaemonServer, uuid: string): Promise<{ stream: Readable; size: number }> {
    return this.backups.open(server.uuid, uuid);
  }

  publish(server: DaemonServer, event: DaemonEvent): void {
    for (const l of this.published.get(server.uuid) ?? []) {
      try { l(event); } catch { /* a listener's failure is its own */ }
    }
  }

  exits(server: DaemonServer): readonly ProcessExit[] {
    return this.processes.get(server.uuid)?.exits() ?? [];
  }

  /** Writes into the server's directory; the archive scratch space is `DATA_DIR/migrations`, outside every root. */
  receive(server: DaemonServer, maxBytes: number): FileReceiver {
    this.forgetDisk(server.uuid);
    const scratch = path.join(path.resolve(this.options.dataDir), 'migrations');
    return new LocalFileReceiver(this.serverDir(server), scratch, maxBytes, (event) => this.process(server).publish(event));
  }

  /** Stops every server and waits for their processes to exit (no orphans after Ctrl-C). */
  async close(): Promise<void> {
    this.closed = true;
    for (const abort of this.installing.values()) abort.abort();
    await Promise.all([...this.processes.values()].map((p) => p.close()));
    this.processes.clear();
  }

  private process(server: DaemonServer): ServerProcess {
    let proc = this.processes.get(server.uuid);
    if (!proc) {
      proc = new ServerProcess(this.processOptions(server));
      this.processes.set(server.uuid, proc);
    }
    return proc;
  }

  private processOptions(server: DaemonServer): ProcessOptions {
    const cwd = this.serverDir(server);
    mkdirSync(cwd, { recursive: true });
    if (SAMPLE_COMMAND.test(server.startupCommand) && !existsSync(path.join(cwd, 'sample-game-server.mjs'))) {
      copyFileSync(SAMPLE_GAME_SERVER, path.join(cwd, 'sample-game-server.mjs'));
    }
    const env = { ...this.baseEnv(server), ...server.environment, HOME: cwd, SERVER_UUID: server.uuid };
    const done = server.done ? doneMatcher(server.done) : null;
    const stop = server.stop;
    return {
      cwd, command: server.startupCommand, env,
      readyMarker: done instanceof RegExp ? done : this.options.readyMarker ?? /\bDone\b.*!/,
      runningAfterMs: this.options.runningAfterMs ?? 10_000,
      stopGraceMs: this.options.stopGraceMs ?? 10_000,
      stopCommand: stop?.type === 'command' ? stop.value : this.options.stopCommand ?? 'stop',
      ...(stop?.type === 'signal' ? { stopSignal: stop.value as NodeJS.Signals } : {}),
      logLines: 150,
    };
  }

  /** What every process of the server may see of this host's environment: no panel secrets. */
  private baseEnv(server: DaemonServer): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { HOME: this.serverDir(server), SERVER_UUID: server.uuid };
    for (const k of PASSED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
    return env;
  }

  /** While someone listens, a stats frame every interval while the server is not offline. */
  private streamStats(server: DaemonServer, listener: DaemonListener): () => void {
    const every = this.options.statsIntervalMs ?? 2_000;
    const timer = setInterval(() => {
      if (this.status(server) === 'offline') return;
      this.stats(server).then((stats) => listener({ type: 'stats', stats }), () => undefined);
    }, every);
    timer.unref();
    return () => clearInterval(timer);
  }
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) total += await directorySize(full);
    else total += (await lstat(full).catch(() => null))?.size ?? 0;
  }
  return total;
}
