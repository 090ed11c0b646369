/** One benchmark figure: a value, its unit, the target it is held to, and whether it met it. */
export interface BenchRow {
  readonly bench: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** Human-readable target, e.g. "≥ 0.5×". */
  readonly target: string;
  readonly ok: boolean | null;
  readonly note?: string;
}

export function row(bench: string, metric: string, value: number, unit: string, target = '', ok: boolean | null = null, note?: string): BenchRow {
  return { bench, metric, value, unit, target, ok, ...(note ? { note } : {}) };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx] as number;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));

export function printTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [r.bench, r.metric, `${fmt(r.value)} ${r.unit}`, r.target, r.ok === null ? '' : r.ok ? 'ok' : 'MISSED', r.note ?? '']);
  const head = ['bench', 'metric', 'value', 'target', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
