import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalDaemon } from '@bridge/local/local-daemon';
import { row, type BenchRow } from './report';

const MIB = Number(process.env.BENCH_BACKUP_MIB ?? 1024);
const M = 1024 * 1024;

/** Text that compresses like logs and configs do (varied lines, not one repeated block). */
function textChunk(bytes: number, seed: number): Buffer {
  const words = ['player', 'joined', 'the', 'game', 'saving', 'chunks', 'world', 'tick', 'took', 'ms', 'INFO', 'WARN', 'level', 'region'];
  const parts: string[] = [];
  let size = 0;
  let n = seed;
  while (size < bytes) {
    n = (n * 1103515245 + 12345) >>> 0;
    const line = `[${(n % 86400).toString().padStart(5, '0')}] ${words[n % words.length]} ${words[(n >> 8) % words.length]} ${n.toString(36)} ${words[(n >> 16) % words.length]}\n`;
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

/**
 * A server tree of mixed files totalling about MIB: logs and configs (compressible), big incompressible blobs
 * (jars, packed worlds), half-empty region files, and thousands of small files in nested folders.
 */
function generateTree(root: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const put = (rel: string, data: Buffer) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), data);
    files++;
    bytes += data.length;
  };
  const budget = (share: number) => Math.floor(MIB * M * share);
  for (let i = 0, left = budget(0.25); left > 0; i++, left -= 4 * M) put(`logs/log-${i}.log`, textChunk(Math.min(4 * M, left), i + 1));
  for (let i = 0, left = budget(0.35); left > 0; i++, left -= 32 * M) put(`mods/mod-${i}.jar`, randomBytes(Math.min(32 * M, left)));
  for (let i = 0, left = budget(0.25); left > 0; i++, left -= 4 * M) {
    const size = Math.min(4 * M, left);
    put(`world/region/r.${i}.0.mca`, Buffer.concat([randomBytes(Math.floor(size / 2)), Buffer.alloc(size - Math.floor(size / 2))]));
  }
  for (let i = 0, left = budget(0.15); left > 0; i++) {
    const size = 8 * 1024 + ((i * 7919) % (56 * 1024));
    put(`world/data/d${i % 40}/f${i}.${i % 2 ? 'dat' : 'json'}`, i % 2 ? randomBytes(Math.min(size, left)) : textChunk(Math.min(size, left), i));
    left -= size;
  }
  return { files, bytes };
}

function timed(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function timedAsync(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** Peak resident memory of this process while `fn` runs, sampled every 20 ms. */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ result: T; before: number; peak: number }> {
  global.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, before, peak };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Backup and restore of a generated ~1 GiB server tree by the LocalDaemon (node-tar + zlib, sha1 while writing)
 * against GNU `tar -czf` / `tar -xzf` of the same tree, in the same run; plus this process's peak RSS while the
 * backup runs (it must stay flat: the archive is never held in memory).
 */
export async function benchBackups(): Promise<BenchRow[]> {
  const data = mkdtempSync(path.join(os.tmpdir(), 'cohost-bench-backups-'));
  try {
    const server = { uuid: randomUUID(), startupCommand: 'true' };
    const root = path.join(data, 'servers', server.uuid);
    mkdirSync(root, { recursive: true });
    const tree = generateTree(root);
    execFileSync('tar', ['-cf', '/dev/null', '-C', root, '.']); // warm the page cache for both sides
    const daemon = new LocalDaemon({ dataDir: data });
    const gnu = path.join(data, 'gnu.tar.gz');
    const tarMs = timed(() => execFileSync('tar', ['-czf', gnu, '-C', root, '.']));
    const uuid = randomUUID();
    let oursMs = 0;
    const { result, before, peak } = await peakRss(async () => {
      const t = process.hrtime.bigint();
      const r = await daemon.backup(server, { uuid, ignored: [] });
      oursMs = Number(process.hrtime.bigint() - t) / 1e6;
      return r;
    });
    const gnuSize = statSync(gnu).size;

    const target = path.join(data, 'gnu-restore');
    mkdirSync(target);
    const untarMs = timed(() => execFileSync('tar', ['-xzf', gnu, '-C', target]));
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root);
    const restoreMs = await timedAsync(() => daemon.restore(server, uuid, { truncate: false }));
    await daemon.close();

    const ratio = tarMs / oursMs;
    const restoreRatio = untarMs / restoreMs;
    const deltaMiB = (peak - before) / M;
    const note = `${tree.files} files, ${(tree.bytes / M).toFixed(0)} MiB`;
    return [
      row('backups', 'backup throughput vs tar -czf', ratio, '×', '≥ 0.8×', ratio >= 0.8, `${(oursMs / 1000).toFixed(1)} s vs ${(tarMs / 1000).toFixed(1)} s; ${note}`),
      row('backups', 'archive size vs tar -czf', result.bytes / gnuSize, '×', '', null, `${(result.bytes / M).toFixed(0)} MiB vs ${(gnuSize / M).toFixed(0)} MiB`),
      row('backups', 'restore throughput vs tar -xzf', restoreRatio, '×', '', null, `${(restoreMs / 1000).toFixed(1)} s vs ${(untarMs / 1000).toFixed(1)} s (ours scans every header first)`),
      row('backups', 'peak RSS growth during backup', deltaMiB, 'MiB', '≤ 128 MiB (flat)', deltaMiB <= 128, `peak ${(peak / M).toFixed(0)} MiB for a ${(tree.bytes / M).toFixed(0)} MiB tree`),
    ];
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}
