/**
 * Runs a software's install script in a server's root on this host (DESIGN §14): `sh -c <script>` (or bash) in its
 * own process group, with the variables as environment, its output published line by line, killed at a timeout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { InstallResult, InstallSpec } from '../daemon';

export interface InstallRun {
  readonly cwd: string;
  readonly spec: InstallSpec;
  /** The daemon's safe base environment (PATH, LANG, …): never the panel's secrets. */
  readonly baseEnv: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly output: (lines: string[]) => void;
  /** Aborted when the daemon closes: the script's process group is killed. */
  readonly signal?: AbortSignal;
}

const OUTPUT_BATCH_MS = 50;

/** Empties a directory without removing it. */
export async function emptyDirectory(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => []);
  await Promise.all(entries.map((name) => rm(path.join(dir, name), { recursive: true, force: true })));
}

function shellFor(entrypoint: InstallSpec['entrypoint']): string {
  if (entrypoint === 'bash' && existsSync('/bin/bash')) return '/bin/bash';
  return 'sh';
}

export async function runInstallScript(run: InstallRun): Promise<InstallResult> {
  if (run.spec.wipe) await emptyDirectory(run.cwd);
  if (!run.spec.script.trim()) return { successful: true, exitCode: 0, detail: 'The software has no install script.' };
  const child = spawn(shellFor(run.spec.entrypoint), ['-c', run.spec.script], {
    cwd: run.cwd, env: { ...run.baseEnv, ...run.spec.environment, HOME: run.cwd }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending: string[] = [];
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending.length) run.output(pending);
    pending = [];
  };
  const closed: Promise<void>[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => {
      pending.push(line);
      timer ??= setTimeout(flush, OUTPUT_BATCH_MS);
    });
    closed.push(new Promise((resolve) => rl.once('close', () => resolve())));
  }
  const killGroup = () => {
    if (!child.pid) return;
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  };
  run.signal?.addEventListener('abort', killGroup, { once: true });
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, run.timeoutMs);
  deadline.unref();
  const exit = await new Promise<{ code: number | null; error?: string }>((resolve) => {
    child.once('exit', (code) => resolve({ code }));
    child.once('error', (err) => resolve({ code: null, error: err.message }));
  });
  clearTimeout(deadline);
  // Nothing of the script's group outlives it (a backgrounded child would keep writing into the root).
  killGroup();
  await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 500))]);
  flush();
  if (exit.error) return { successful: false, exitCode: null, detail: `The install script could not be started: ${exit.error}` };
  if (timedOut) return { successful: false, exitCode: exit.code, detail: `The install script ran longer than ${run.timeoutMs} ms and was stopped.` };
  return { successful: exit.code === 0, exitCode: exit.code, ...(exit.code === 0 ? {} : { detail: `The install script exited with code ${exit.code}.` }) };
}
