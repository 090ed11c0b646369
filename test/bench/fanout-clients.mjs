// The fan-out bench's clients, in their own process: `node fanout-clients.mjs '{"url","namespace","token","count"}'`
// opens `count` websockets speaking engine.io 4 / socket.io 5 directly (lighter than socket.io-client, so 1,000 of
// them fit in one process), authenticates each (when a token is given), prints `ready`, then answers stdin:
// `reset` (zero the counters), `report` (print {lines, frames} since the reset), `close`.
import readline from 'node:readline';
import { Buffer } from 'node:buffer';
import WebSocket from 'ws';

const { url, namespace, token, count } = JSON.parse(process.argv[2] ?? '{}');
const prefix = namespace === '/' ? '' : `${namespace},`;
const EVENT = Buffer.from(`42${prefix}["console output",`);
const SEP = Buffer.from('","');
let lines = 0;
let frames = 0;
let ready = 0;
const sockets = [];

function onMessage(ws, data) {
  if (process.env.FANOUT_DEBUG) console.error(data.toString().slice(0, 120));
  if (data.length === 1 && data[0] === 0x32) return void ws.send('3'); // ping → pong
  if (data.subarray(0, EVENT.length).equals(EVENT)) {
    frames++;
    let n = 1;
    for (let i = data.indexOf(SEP, EVENT.length); i !== -1; i = data.indexOf(SEP, i + 3)) n++;
    lines += n;
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
  if (cmd === 'reset') { lines = 0; frames = 0; console.log('ok'); }
  if (cmd === 'report') console.log(JSON.stringify({ lines, frames }));
  if (cmd === 'close') { for (const s of sockets) s.close(); setTimeout(() => process.exit(0), 100); }
});
