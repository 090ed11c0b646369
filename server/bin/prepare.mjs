// Dependency-free bootstrap shared by `npm start`, `npm test` and the CLI: on a fresh clone nothing is installed
// yet, so this file uses only Node's standard library.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(cmd, args, label) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
  if (res.status !== 0) {
    console.error(`${label} failed (exit ${res.status ?? res.signal}).`);
    process.exit(1);
  }
}

function mtime(p) {
  try { return statSync(p).mtimeMs; } catch { return 0; }
}

function newest(dir, skip) {
  let max = 0;
  if (!existsSync(dir)) return 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const p = path.join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p, skip) : mtime(p));
  }
  return max;
}

/**
 * Installs dependencies when node_modules is missing or was installed from another lockfile (compared by content,
 * recorded in node_modules/.cohost-lock after each install).
 */
export function ensureDependencies() {
  const lock = path.join(ROOT, 'package-lock.json');
  const stamp = path.join(ROOT, 'node_modules', '.cohost-lock');
  const want = existsSync(lock) ? createHash('sha256').update(readFileSync(lock)).digest('hex') : 'none';
  const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
  if (have === want && existsSync(path.join(ROOT, 'node_modules', 'tsx'))) return;
  console.error('Installing dependencies…');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], 'npm install');
  writeFileSync(stamp, want);
}

/** Builds the UI when web/dist is missing or older than its sources. */
export function ensureUi() {
  const built = path.join(ROOT, 'web', 'dist', 'index.html');
  const sources = Math.max(
    newest(path.join(ROOT, 'web'), new Set(['dist', 'node_modules'])),
    newest(path.join(ROOT, 'contracts'), new Set()),
    mtime(path.join(ROOT, 'vite.config.ts')),
  );
  if (existsSync(built) && mtime(built) >= sources) return;
  if (!existsSync(path.join(ROOT, 'web', 'index.html'))) return;
  console.error('Building the UI…');
  run(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], 'vite build');
}

/** Loads TypeScript through tsx in this process (tsconfig paths included). */
export async function registerTypeScript() {
  process.chdir(ROOT);
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: path.join(ROOT, 'tsconfig.json') });
}
