import { compile, hasPermission, PERMISSION_KEYS, type Permission } from '@contracts/permissions';
import { row, median, type BenchRow } from './report';

/** `hasPermission` on a compiled set: ns per call, median of 5 runs of 5M calls over a mix of hits and misses. */
export function benchPermission(): BenchRow[] {
  const sets = {
    exact: compile(['control.console', 'file.read', 'file.read-content', 'user.read', 'websocket.connect']),
    wildcard: compile(['file.*', 'control.*']),
    star: compile(['*']),
  };
  const keys = PERMISSION_KEYS as Permission[];
  const rows: BenchRow[] = [];
  for (const [name, set] of Object.entries(sets)) {
    const runs: number[] = [];
    let sink = 0;
    for (let r = 0; r < 6; r++) {
      const n = 5_000_000;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) if (hasPermission(set, keys[i % keys.length] as Permission)) sink++;
      const ns = Number(process.hrtime.bigint() - t0) / n;
      if (r > 0) runs.push(ns); // the first run is warm-up
    }
    if (sink < 0) console.log(sink);
    const ns = median(runs);
    rows.push(row('permission check', `hasPermission, ${name} set`, ns, 'ns/call', '≤ 20 ns', ns <= 20));
  }
  return rows;
}
