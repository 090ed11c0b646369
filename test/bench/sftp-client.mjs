// The SFTP bench's client, in its own process (a user's SFTP client never shares the panel's event loop):
// `node sftp-client.mjs '{"port","login","password"}'` connects with ssh2's client, opens the SFTP subsystem, prints
// `ready`, then answers stdin one line at a time: `put <local> <remote>` / `get <remote> <local>` (ssh2's
// fastPut / fastGet) with `{"ms":…}` or `{"error":…}`, and `close`.
import readline from 'node:readline';
import { performance } from 'node:perf_hooks';
import ssh2 from 'ssh2';

const { port, login, password } = JSON.parse(process.argv[2] ?? '{}');
const client = new ssh2.Client();
client.on('error', (err) => { console.error(`ssh error: ${err.message}`); process.exit(1); });
client.on('ready', () => client.sftp((err, sftp) => {
  if (err) { console.error(`sftp: ${err.message}`); process.exit(1); }
  console.log('ready');
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const [cmd, a, b] = line.split(' ');
    if (cmd === 'close') { client.end(); setTimeout(() => process.exit(0), 100); return; }
    const t0 = performance.now();
    const done = (e) => console.log(JSON.stringify(e ? { error: String(e.message ?? e) } : { ms: performance.now() - t0 }));
    if (cmd === 'put') sftp.fastPut(a, b, done);
    else if (cmd === 'get') sftp.fastGet(a, b, done);
    else done(new Error(`unknown command ${cmd}`));
  });
}));
client.connect({ host: '127.0.0.1', port, username: login, password, readyTimeout: 20_000 });
