// A client that floods WRITEs without waiting for answers, in its own process (so its own queued packets are not
// counted in the panel's memory): `node flood-client.mjs '{"port","login","password","file","count","chunk"}'`
// connects with ssh2, opens `file` for writing, prints `ready`, then on the stdin line `go` sends `count` WRITEs of
// `chunk` bytes at once, prints `{"ok":n,"failed":m}` when every one is answered, and exits.
import { Buffer } from 'node:buffer';
import readline from 'node:readline';
import ssh2 from 'ssh2';

const { port, login, password, file, count, chunk } = JSON.parse(process.argv[2] ?? '{}');
const client = new ssh2.Client();
client.on('error', (err) => { console.error(`ssh error: ${err.message}`); process.exit(1); });
client.on('ready', () => client.sftp((err, sftp) => {
  if (err) { console.error(`sftp: ${err.message}`); process.exit(1); }
  sftp.open(file, 'w', (e, handle) => {
    if (e) { console.error(`open: ${e.message}`); process.exit(1); }
    console.log('ready');
    readline.createInterface({ input: process.stdin }).once('line', () => {
      const data = Buffer.alloc(chunk, 0x5a);
      let ok = 0;
      let failed = 0;
      for (let i = 0; i < count; i++) {
        sftp.write(handle, data, 0, chunk, i * chunk, (werr) => {
          if (werr) failed++; else ok++;
          if (ok + failed === count) {
            sftp.close(handle, () => { console.log(JSON.stringify({ ok, failed })); client.end(); setTimeout(() => process.exit(0), 100); });
          }
        });
      }
    });
  });
}));
client.connect({ host: '127.0.0.1', port, username: login, password, readyTimeout: 20_000 });
