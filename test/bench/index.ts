import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchBackups } from './backups';
import { benchConsole } from './console';
import { benchGuarded } from './guarded';
import { benchPermission } from './permission';
import { printTable, type BenchRow } from './report';
import { benchRevocation } from './revocation';
import { benchSchedules } from './schedules';
import { benchSftp } from './sftp';
import { benchNetwork } from './network';
import { benchScale } from './scale';
import { benchSoak } from './soak';

/**
 * `npm run bench [name…]`: runs the benchmarks side by side in one process run, prints one table and writes it as JSON
 * to test/bench/results/latest.json. Figures are ratios against a baseline measured in the same run wherever the
 * design asks for one; nothing here is asserted by the test suite.
 */
const BENCHES: Record<string, () => Promise<BenchRow[]> | BenchRow[]> = {
  permission: benchPermission,
  guarded: benchGuarded,
  revocation: benchRevocation,
  console: benchConsole,
  sftp: benchSftp,
  schedules: benchSchedules,
  backups: benchBackups,
  network: benchNetwork,
  soak: benchSoak,
  scale: benchScale,
};
/** Long runs (a minute or more, or a large seeded database): only when named, e.g. `npm run bench -- soak`. */
const OPT_IN = new Set(['soak', 'scale']);

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const rows: BenchRow[] = [];
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (only.length ? !only.includes(name) : OPT_IN.has(name)) continue;
    process.stderr.write(`running ${name}…\n`);
    try {
      rows.push(...(await bench()));
    } catch (err) {
      // One broken bench must not lose the others' figures: it shows as a failed row.
      console.error(err);
      rows.push({ bench: name, metric: 'failed', value: NaN, unit: '', target: '', ok: false, note: String((err as Error).message ?? err).slice(0, 120) });
    }
  }
  const table = printTable(rows);
  console.log(table);
  const machine = { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.type()} ${os.release()}` };
  const dir = path.join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2) + '\n');
  const missed = rows.filter((r) => r.ok === false);
  if (missed.length) console.log(`\n${missed.length} target(s) missed.`);
}

main().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
