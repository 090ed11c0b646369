/**
 * One game server on this host: its child process (`sh -c <startupCommand>` in its own directory and process group),
 * its state machine (offline → starting → running → stopping → offline), its console ring buffer and its listeners.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { DaemonEvent, DaemonListener, PowerAction, ProcessExit, ServerState } from '../daemon';
import { ProcessGroupMeter } from './proc-stats';
import { RingBuffer } from './ring-buffer';

const EXIT_LOG_SIZE = 50;

export interface ProcessOptions {
  readonly cwd: string;
  readonly command: string;
  readonly env: NodeJS.ProcessEnv;
  /** A console line matching this marks the server running. */
  readonly readyMarker: RegExp;
  /** Without a ready line, a process still up after this long counts as running. */
  readonly runningAfterMs: number;
  /** `stop` writes "stop" to stdin, then SIGTERM after this grace, then SIGKILL after the same again. */
  readonly stopGraceMs: number;
  readonly logLines: number;
  readonly stopCommand: string;
  /** When set, `stop` sends this signal to the process group instead of writing the stop command. */
  readonly stopSignal?: NodeJS.Signals;
}

export class ServerProcess {
  state: ServerState = 'offline';
  private child: ChildProcess | null = null;
  private meter: ProcessGroupMeter | null = null;
  private startedAt = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly buffer: RingBuffer;
  private readonly listeners = new Set<DaemonListener>();
  private exited: Promise<void> = Promise.resolve();
  private restartPending = false;
  private nextOptions: ProcessOptions | null = null;
  /** The last exits (crash-loop detection); bounded. */
  private readonly exitLog: ProcessExit[] = [];

  constructor(private options: ProcessOptions) {
    this.buffer = new RingBuffer(options.logLines);
  }

  /** New options (command, environment, done marker, stop) for the next start; a running process keeps its own. */
  configure(options: ProcessOptions): void {
    if (this.child) {
      // The running process was started with the old command; only how it is stopped may change under it.
      this.nextOptions = options;
      return;
    }
    this.options = options;
  }

  /** Publishes an event of this server to its listeners (install runner, migration progress: not from the process). */
  publish(event: DaemonEvent): void {
    this.emit(event);
  }

  /** Kills the process (if any) and waits until it has exited. */
  async killAndWait(): Promise<void> {
    this.restartPending = false;
    if (!this.child) return;
    this.kill();
    await this.exited;
  }

  subscribe(listener: DaemonListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  logs(n: number): string[] {
    return this.buffer.last(n);
  }

  uptimeMs(): number {
    return this.child ? Date.now() - this.startedAt : 0;
  }

  async usage(): Promise<{ cpuAbsolute: number; memoryBytes: number }> {
    return this.meter ? this.meter.sample() : { cpuAbsolute: 0, memoryBytes: 0 };
  }

  async power(action: PowerAction): Promise<void> {
    switch (action) {
      case 'start': return this.start();
      case 'stop': return this.stop();
      case 'kill': return this.kill();
      case 'restart':
        if (this.state === 'offline') return this.start();
        this.restartPending = true;
        return this.stop();
    }
  }

  /** Recent exits of this server's process, oldest first. */
  exits(): readonly ProcessExit[] {
    return [...this.exitLog];
  }

  write(line: string): void {
    if (!this.child) return;
    // The stop command typed on the console is a stop, not a crash (as Wings does with the egg's stop command).
    if (line.trim() === this.options.stopCommand && this.state !== 'stopping') this.setState('stopping');
    this.child.stdin?.write(`${line}\n`);
  }

  /** Stops the process (if any, no restart) and waits for it to exit; listeners stay (a restore stops the server). */
  async stopAndWait(): Promise<void> {
    this.restartPending = false;
    if (this.child) {
      this.stop();
      await this.exited;
    }
  }

  /** Stops the process (if any) and waits for it to exit. */
  async close(): Promise<void> {
    this.restartPending = false;
    if (this.child) {
      await this.stop();
      await this.exited;
    }
    this.listeners.clear();
  }

  private start(): void {
    if (this.state !== 'offline') return;
    if (this.nextOptions) { this.options = this.nextOptions; this.nextOptions = null; }
    this.setState('starting');
    this.message('Server marked as starting...');
    const child = spawn('sh', ['-c', this.options.command], {
      cwd: this.options.cwd, env: this.options.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    this.startedAt = Date.now();
    this.meter = child.pid ? new ProcessGroupMeter(child.pid) : null;
    child.stdin.on('error', () => undefined);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.onLine(line));
    }
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => { this.onExit(code, signal); resolve(); });
      child.once('error', (err) => {
        this.message(`The server process could not be started: ${err.message}`);
        this.onExit(null, null);
        resolve();
      });
    });
    this.later(this.options.runningAfterMs, () => { if (this.state === 'starting') this.setState('running'); });
  }

  private stop(): void {
    if (!this.child || this.state === 'offline') return;
    if (this.state !== 'stopping') {
      this.setState('stopping');
      this.message('Server marked as stopping...');
      if (this.options.stopSignal) this.signal(this.options.stopSignal);
      else this.write(this.options.stopCommand);
    }
    this.later(this.options.stopGraceMs, () => {
      this.signal('SIGTERM');
      this.later(this.options.stopGraceMs, () => this.signal('SIGKILL'));
    });
  }

  private kill(): void {
    if (!this.child) return;
    this.restartPending = false;
    if (this.state !== 'stopping') this.setState('stopping');
    this.message('Server marked as killed.');
    this.signal('SIGKILL');
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try { process.kill(-pid, sig); } catch { /* already gone */ }
  }

  private onLine(line: string): void {
    this.buffer.push(line);
    this.emit({ type: 'console', lines: [line] });
    if (this.state === 'starting' && this.options.readyMarker.test(line)) this.setState('running');
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    // Make sure nothing of the group survives its leader (children started by the server itself).
    this.signal('SIGKILL');
    const expected = this.state === 'stopping';
    this.exitLog.push({ at: new Date(), code, signal, expected });
    if (this.exitLog.length > EXIT_LOG_SIZE) this.exitLog.shift();
    this.child = null;
    this.meter = null;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (!expected) {
      const how = signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
      this.message(`The server process exited unexpectedly (${how}); it has been marked offline.`);
    }
    this.setState('offline');
    if (expected && this.restartPending) {
      this.restartPending = false;
      this.start();
    }
  }

  private setState(state: ServerState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit({ type: 'status', state });
  }

  private message(line: string): void {
    this.emit({ type: 'daemon message', line });
  }

  private emit(event: DaemonEvent): void {
    for (const l of this.listeners) {
      try { l(event); } catch { /* a listener's failure is its own */ }
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    t.unref();
    this.timers.add(t);
  }
}
