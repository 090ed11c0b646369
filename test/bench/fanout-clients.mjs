// The fan-out bench's clients, in their own process: `node fanout-clients.mjs '{"url","namespace","token","count"}'`
// opens `count` websockets speaking engine.io 4 / socket.io 5 directly (lighter than socket.io-client, so 1,000 of
// them fit in one process), authenticates each (when a token is given), prints `ready`, then answers stdin:
// `reset` (zero the counters), `report` (print {lines, frames, ms, from, to} since the reset: `from`/`to` are the newest
// line numbers seen at the reset and at the report), `close`.
import readline from 'node:readline';
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const { url, namespace, token, count } = JSON.parse(process.argv[2] ?? '{}');
const prefix = namespace === '/' ? '' : `${namespace},`;
const EVENT = Buffer.from(`42${prefix}["console output",`);
const SEP = Buffer.from('","');
let lines = 0;
let frames = 0;
let ready = 0;
let since = performance.now();
const sockets = [];

/** Decimal digits in 1..n summed: the byte length of a run of numbered lines, computed without reading it. */
function digitSum(n) {
  let total = 0;
  for (let d = 1, lo = 1; lo <= n; d++, lo *= 10) total += d * (Math.min(n, lo * 10 - 1) - lo + 1);
  return total;
}
const LINE = Buffer.from('"line ');
let newest = -1;
let newestAtReset = -1;

/**
 * Lines in a console frame. The generator's lines are `line <n>`, consecutive: the first and last numbers give the
 * count, and the frame's exact byte length confirms the run has no gap (any dropped or altered line changes it). A
 * frame that is not such a run is counted line by line. (Counting 20 M lines/s one `indexOf` at a time made this
 * process the bottleneck at 1,000 sockets.)
 */
function countLines(data) {
  const start = EVENT.length + 1; // `[`
  const last = data.lastIndexOf(LINE);
  if (data[start] === 0x22 && data.subarray(start, start + LINE.length).equals(LINE) && last > start) {
    const a = Number(data.toString('latin1', start + LINE.length, data.indexOf(0x22, start + 1)));
    const b = Number(data.toString('latin1', last + LINE.length, data.indexOf(0x22, last + 1)));
    const runLength = b - a + 1;
    // `"line n"` is 7 bytes plus the digits of n; commas between; `]]` closes the array and the packet.
    const bytes = start + runLength * 7 + (digitSum(b) - digitSum(a - 1 < 0 ? 0 : a - 1)) + (runLength - 1) + 2;
    if (runLength > 0 && a >= 1 && bytes === data.length) { newest = b; return runLength; }
  }
  let n = 1;
  for (let i = data.indexOf(SEP, EVENT.length); i !== -1; i = data.indexOf(SEP, i + 3)) n++;
  return n;
}

function onMessage(ws, data) {
  if (process.env.FANOUT_DEBUG) console.error(data.toString().slice(0, 120));
  if (data.length === 1 && data[0] === 0x32) return void ws.send('3'); // ping → pong
  if (data.subarray(0, EVENT.length).equals(EVENT)) {
    frames++;
    lines += countLines(data);
    return;
  }
  const text = data.toString();
  if (text.startsWith('0{')) return void ws.send(`40${prefix}`);
  if (text.startsWith(`40${prefix}`)) {
    if (token) ws.send(`42${prefix}${JSON.stringify(['auth', token])}`);
    else if (++ready === count) console.log('ready');
    return;
  }
  if (text.startsWith(`42${prefix}["auth success"`) && ++ready === count) console.log('ready');
  if (text.startsWith(`42${prefix}["jwt error"`) || text.startsWith('44')) console.error(`refused: ${text}`);
}

const ws = new URL(url);
ws.protocol = 'ws:';
ws.pathname = '/socket.io/';
ws.search = '?EIO=4&transport=websocket';
for (let i = 0; i < count; i++) {
  const socket = new WebSocket(ws);
  socket.on('message', (data) => onMessage(socket, data));
  socket.on('error', (err) => console.error(`socket error: ${err.message}`));
  sockets.push(socket);
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 20)); // do not stampede the accept queue
}

readline.createInterface({ input: process.stdin }).on('line', (cmd) => {
  if (cmd === 'reset') { lines = 0; frames = 0; since = performance.now(); newestAtReset = newest; console.log('ok'); }
  if (cmd === 'report') console.log(JSON.stringify({ lines, frames, ms: performance.now() - since, from: newestAtReset, to: newest }));
  if (cmd === 'close') { for (const s of sockets) s.close(); setTimeout(() => process.exit(0), 100); }
});
