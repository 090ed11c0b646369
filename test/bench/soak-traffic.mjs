/* global fetch */
// The soak bench's API traffic, in its own process: `node soak-traffic.mjs '{"base","rate","seconds","cases"}'` sends
// `rate` requests a second for `seconds`, cycling through `cases` ({name, method, path, headers, body, expect}), and
// prints one JSON line: {sent, errors, mismatched, statuses, latencies: {p50, p95, p99}, maxInflight, examples}
// (`maxInflight`: the most requests awaiting an answer at once, the backlog), and `timeline`: each request's start
// (ms since the epoch) and duration (ms), for the caller to set aside requests it disturbed itself. A mismatch is a
// response whose status is not the case's `expect` (a permission decision that came out wrong); an error is a
// network failure or a 5xx.
import { performance } from 'node:perf_hooks';

const { base, rate, seconds, cases } = JSON.parse(process.argv[2] ?? '{}');
const stats = { sent: 0, errors: 0, mismatched: 0, statuses: {}, examples: [] };
const latencies = [];
const timeline = [];
const byCase = {};
const inflight = new Set();
let maxInflight = 0;

async function fire(c) {
  const t0 = performance.now();
  try {
    const res = await fetch(base + c.path, { method: c.method, headers: { accept: 'application/json', ...(c.body ? { 'content-type': 'application/json' } : {}), ...c.headers }, body: c.body ? JSON.stringify(c.body) : undefined });
    await res.arrayBuffer();
    const key = `${c.name} ${res.status}`;
    stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
    if (res.status >= 500) stats.errors++;
    else if (res.status !== c.expect) {
      stats.mismatched++;
      if (stats.examples.length < 5) stats.examples.push(key);
    }
  } catch (err) {
    stats.errors++;
    if (stats.examples.length < 5) stats.examples.push(`${c.name}: ${err.message}`);
  }
  const ms = performance.now() - t0;
  latencies.push(ms);
  timeline.push([Math.round(performance.timeOrigin + t0), Math.round(ms * 100) / 100]);
  (byCase[c.name] ??= []).push(ms);
}

const start = performance.now();
let next = start;
let i = 0;
while (performance.now() - start < seconds * 1000) {
  const c = cases[i++ % cases.length];
  const p = fire(c).finally(() => inflight.delete(p));
  inflight.add(p);
  if (inflight.size > maxInflight) maxInflight = inflight.size;
  stats.sent++;
  next += 1000 / rate;
  const wait = next - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
await Promise.all(inflight);
latencies.sort((a, b) => a - b);
const pick = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
const slowest = Object.entries(byCase).map(([name, xs]) => [name, xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]]).sort((a, b) => b[1] - a[1]);
process.stdout.write(JSON.stringify({ ...stats, latencies: { p50: pick(0.5), p95: pick(0.95), p99: pick(0.99) }, maxInflight, medianByCase: slowest, timeline }) + '\n');
