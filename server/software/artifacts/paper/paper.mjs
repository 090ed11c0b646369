#!/usr/bin/env node
// A stand-in for a Paper server jar, bundled so the Paper-style definition installs and runs offline (no Java, no
// download). It reads server.properties and eula.txt like Paper, prints Paper's boot lines and answers a few
// commands. It is NOT Minecraft: import a real Paper egg to run the real thing on a Wings node.
import { readFileSync } from 'node:fs';
import readline from 'node:readline';

const log = (msg) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)} INFO]: ${msg}\n`);
const props = Object.fromEntries(readFileSync('server.properties', 'utf8').split('\n')
  .filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
if (!/eula=true/.test(readFileSync('eula.txt', 'utf8'))) {
  log('You need to agree to the EULA in order to run the server. Go to eula.txt for more info.');
  process.exit(1);
}
const version = process.env.MINECRAFT_VERSION ?? 'latest';
log(`Starting minecraft server version ${version} (Cohost stand-in for Paper)`);
log(`Loading properties: motd="${props.motd ?? ''}", max-players=${props['max-players'] ?? '20'}`);
log(`Starting Minecraft server on ${process.env.SERVER_IP || '0.0.0.0'}:${process.env.SERVER_PORT || props['server-port'] || '25565'}`);
log('Preparing level "world"');
setTimeout(() => log(`Done (${process.uptime().toFixed(3)}s)! For help, type "help"`), 200);

const rl = readline.createInterface({ input: process.stdin, terminal: false });
rl.on('line', (raw) => {
  const [cmd, ...rest] = raw.trim().split(/\s+/);
  switch (cmd) {
    case '': return;
    case 'help': log('Commands: help, list, say <text>, version, stop'); return;
    case 'list': log(`There are 0 of a max of ${props['max-players'] ?? '20'} players online:`); return;
    case 'say': log(`[Server] ${rest.join(' ')}`); return;
    case 'version': log(`This server is running Paper version ${version} (stand-in)`); return;
    case 'stop': log('Stopping the server'); log('Saving worlds'); setTimeout(() => process.exit(0), 50); return;
    default: log('Unknown command. Type "/help" for help.');
  }
});
rl.on('close', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
