import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPrivateMariadb, type PrivateMariadb } from '@db/private-mariadb';
import { ensureUi, ROOT } from '../../server/bin/prepare.mjs';

/**
 * Starts a throwaway private MariaDB (unless DATABASE_URL is set), runs vitest (or the benchmarks) against it,
 * and stops what it started, whatever the outcome. Tests create one database each from COHOST_TEST_DB_URL.
 */
export async function runTests(args: string[]): Promise<number> {
  const bench = args[0] === '--bench';
  const forward = bench ? args.slice(1) : args;
  let mariadb: PrivateMariadb | null = null;
  let scratch: string | null = null;
  const stop = async () => {
    await mariadb?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  process.once('SIGINT', () => { void stop().then(() => process.exit(130)); });
  try {
    let base = process.env.DATABASE_URL;
    if (!base) {
      scratch = mkdtempSync(path.join(os.tmpdir(), 'cohost-test-'));
      mariadb = await startPrivateMariadb(path.join(scratch, 'mysql'), 'cohost');
      base = mariadb.url;
    }
    ensureUi();
    const env = { ...process.env, COHOST_TEST_DB_URL: base, NODE_ENV: 'test' };
    const vitest = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
    // BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", which NODE_OPTIONS refuses) go to the benchmarks'
    // process, the one the panel under test runs in; tsx is then loaded with --import so the flags are that process's.
    const benchFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
    const benchIndex = path.join(ROOT, 'test', 'bench', 'index.ts');
    const argv = !bench
      ? [vitest, 'run', ...forward]
      : benchFlags.length
        ? [...benchFlags, '--import', 'tsx', benchIndex, ...forward]
        : [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), benchIndex, ...forward];
    return await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: 'inherit' });
      child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await stop();
  }
}
