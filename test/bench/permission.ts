import { compile, hasPermission, PERMISSION_KEYS, type CompiledPermissions, type Permission } from '@contracts/permissions';
import { row, median, type BenchRow } from './report';

const CALLS = 4_000_000;
const RUNS = 7;
/** A fixed, shuffled mix of hits and misses, a power of two long so the loop indexes with a mask, not a modulo. */
const KEYS: Permission[] = (() => {
  const keys = PERMISSION_KEYS as readonly Permission[];
  const out: Permission[] = [];
  let seed = 7;
  for (let i = 0; i < 1024; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out.push(keys[seed % keys.length] as Permission);
  }
  return out;
})();

/** ns per iteration of the loop with the call. */
function timeCalls(set: CompiledPermissions): { ns: number; hits: number } {
  let hits = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) if (hasPermission(set, KEYS[i & 1023] as Permission)) hits++;
  return { ns: Number(process.hrtime.bigint() - t0) / CALLS, hits };
}

/** ns per iteration of the same loop without the call (same load, same branch on the key): the loop's own cost. */
function timeLoop(): { ns: number; hits: number } {
  let hits = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) if ((KEYS[i & 1023] as string).length > 11) hits++;
  return { ns: Number(process.hrtime.bigint() - t0) / CALLS, hits };
}

/**
 * `hasPermission` on a compiled set: ns per call, the loop's own cost subtracted (measured alike in the same run),
 * median of 7 runs of 4M calls (one more run first as warm-up) over a fixed mix of hits and misses.
 */
export function benchPermission(): BenchRow[] {
  const sets = {
    exact: compile(['control.console', 'file.read', 'file.read-content', 'user.read', 'websocket.connect']),
    wildcard: compile(['file.*', 'control.*']),
    star: compile(['*']),
  };
  const rows: BenchRow[] = [];
  let sink = 0;
  for (const [name, set] of Object.entries(sets)) {
    const calls: number[] = [];
    const loops: number[] = [];
    for (let r = 0; r <= RUNS; r++) {
      const c = timeCalls(set);
      const l = timeLoop();
      sink += c.hits + l.hits;
      if (r > 0) { calls.push(c.ns); loops.push(l.ns); }
    }
    const net = Math.max(0, median(calls) - median(loops));
    rows.push(row('permission check', `hasPermission, ${name} set`, net, 'ns/call', '≤ 20 ns', net <= 20,
      `${median(calls).toFixed(1)} ns with the loop, ${median(loops).toFixed(1)} ns the loop alone`));
  }
  if (sink < 0) console.log(sink);
  return rows;
}
