#!/usr/bin/env node
// The bundled sample game server: a tiny text "game" that behaves like a real one on the console, so the demo
// server's console and power controls work on a fresh machine. Commands: help, list, say <text>, stop.
// With SERVER_PORT set (the primary allocation, DESIGN §17) it also answers HTTP there, as a game's query port does:
// `GET /` gives its status as JSON.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import readline from 'node:readline';

const players = ['Steve', 'Alex'];
const log = (msg) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)} INFO]: ${msg}\n`);

log('Starting sample game server');
log(`Loading world "${process.env.WORLD_NAME || 'world'}"`);
const done = () => setTimeout(() => {
  log(`Done (${(process.uptime()).toFixed(3)}s)! For help, type "help"`);
}, Number(process.env.SAMPLE_BOOT_MS ?? 300));

const port = Number(process.env.SERVER_PORT ?? '');
if (Number.isInteger(port) && port > 0) {
  const host = process.env.SERVER_IP || '0.0.0.0';
  // `/tile` stands in for what a game's web map serves through a proxy route: a 32 KiB image tile.
  const tile = Buffer.alloc(32 * 1024, 0x5a);
  const query = createServer((req, res) => {
    if (req.url === '/tile') {
      res.setHeader('content-type', 'image/png');
      res.end(tile);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ game: 'sample', uuid: process.env.SERVER_UUID ?? null, port, players, path: req.url }));
  });
  query.on('error', (err) => {
    log(`**** FAILED TO BIND TO PORT ${host}:${port}: ${err.message}`);
    process.exit(1);
  });
  query.listen(port, host, () => { log(`Listening on ${host}:${port}`); done(); });
} else {
  done();
}

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (raw) => {
  const line = raw.trim();
  const [cmd, ...rest] = line.split(/\s+/);
  switch (cmd) {
    case '': return;
    case 'help': log('Commands: help, list, say <text>, stop'); return;
    case 'list': log(`There are ${players.length} of a max of 20 players online: ${players.join(', ')}`); return;
    case 'say': log(`[Server] ${rest.join(' ')}`); return;
    case 'stop':
      log('Stopping server');
      log('Saving worlds');
      setTimeout(() => process.exit(0), 50);
      return;
    default: log(`Unknown command "${cmd}". Type "help" for help.`);
  }
});
rl.on('close', () => process.exit(0));
process.on('SIGTERM', () => { log('Received SIGTERM, stopping'); process.exit(0); });
