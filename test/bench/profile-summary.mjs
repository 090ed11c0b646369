// Summarises a `node --cpu-prof` profile: self time per function and per package (node_modules/<pkg>, node:*,
// Cohost's own code, GC, idle). `node test/bench/profile-summary.mjs file.cpuprofile [top=25]`
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function pkg(url, name) {
  if (!url) return name.startsWith('(') ? name : `(native) ${name}`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url;
  const own = /\/(server|db|contracts|wings-bridge|test)\//.exec(url);
  return own ? `cohost ${own[1]}/` : url;
}
const fns = new Map();
const pkgs = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  const { functionName, url, lineNumber } = n.callFrame;
  const name = functionName || '(anonymous)';
  const key = `${name}  ${url ? url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|db|contracts|test)\//, '$1/') : ''}${url ? ':' + (lineNumber + 1) : ''}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const p = pkg(url, name);
  pkgs.set(p, (pkgs.get(p) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1)}%`;
console.log(`total ${(total / 1e6).toFixed(2)} s sampled\n\n| package / area | self |\n|---|---|`);
for (const [p, us] of [...pkgs].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${p} | ${pct(us)} |`);
console.log(`\n| function | self |\n|---|---|`);
for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${f} | ${pct(us)} |`);
