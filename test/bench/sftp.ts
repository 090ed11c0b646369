import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
// ssh2 is CommonJS: take its exports off the default (as test/sftp/clients.ts does).
import ssh2 from 'ssh2';
import { serverRoot } from '@bridge/files/local-filesystem';
import { startTestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { keyPair } from '../sftp/clients';
import { LineChild } from './child';
import { median, row, type BenchRow } from './report';

const MIB = Number(process.env.BENCH_SFTP_MIB ?? 256);
const RUNS = Number(process.env.BENCH_SFTP_RUNS ?? 3);
const SFTP_SERVER = '/usr/lib/openssh/sftp-server';

/**
 * The baseline: an ssh2 server whose `sftp` subsystem pipes the raw channel to a spawned OpenSSH `sftp-server`
 * (same SSH transport and ciphers as Cohost's ssh2-based server, a different SFTP implementation), serving `dir`.
 */
async function openSshSftp(dir: string): Promise<{ port: number; close(): void }> {
  const host = await keyPair(`bench-host-${process.pid}`);
  const server = new ssh2.Server({ hostKeys: [readFileSync(host.privateKeyFile)] }, (client) => {
    client.on('authentication', (ctx) => (ctx.method === 'password' ? ctx.accept() : ctx.reject(['password'])));
    client.on('session', (accept) => {
      accept().on('subsystem', (acceptSub, reject, info) => {
        if (info.name !== 'sftp') return reject();
        const channel = acceptSub();
        const child = spawn(SFTP_SERVER, ['-d', dir], { stdio: ['pipe', 'pipe', 'ignore'] });
        channel.pipe(child.stdin);
        child.stdout.pipe(channel);
        child.on('exit', () => channel.end());
        channel.on('close', () => child.kill());
      });
    });
    client.on('error', () => undefined);
  });
  // Nagle's algorithm off, as Cohost's SFTP listener has it: the same transport on both sides.
  const listener = createServer({ noDelay: true }, (socket) => server.injectSocket(socket));
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  return { port: (listener.address() as AddressInfo).port, close: () => listener.close() };
}

/**
 * MiB/s of fastPut and fastGet of the same file, median of RUNS each (after one warm-up round), by ssh2's client in
 * its own process: in the panel's process it took the CPU the server needs, which OpenSSH's sftp-server, a process
 * of its own, never had to share.
 */
async function throughput(login: { port: number; login: string; password: string }, local: string, back: string, remote: string): Promise<{ up: number; down: number }> {
  const client = new LineChild(path.join(import.meta.dirname, 'sftp-client.mjs'), login, 'sftp client');
  try {
    if ((await client.reply()) !== 'ready') throw new Error('the SFTP client did not connect');
    const timed = async (cmd: string) => {
      const answer = JSON.parse(await client.ask(cmd, 600_000)) as { ms?: number; error?: string };
      if (answer.ms === undefined) throw new Error(`${cmd}: ${answer.error}`);
      return answer.ms;
    };
    const ups: number[] = [];
    const downs: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const up = await timed(`put ${local} ${remote}`);
      const down = await timed(`get ${remote} ${back}`);
      if (statSync(back).size !== MIB * 2 ** 20) throw new Error('download size differs');
      if (i > 0) { ups.push(MIB / (up / 1000)); downs.push(MIB / (down / 1000)); }
    }
    return { up: median(ups), down: median(downs) };
  } finally {
    await client.close();
  }
}

/**
 * SFTP throughput (issue 8): upload and download of a 256 MiB file over loopback with the same ssh2 client
 * (fastPut / fastGet) through Cohost's SFTP server and through OpenSSH's sftp-server.
 */
export async function benchSftp(): Promise<BenchRow[]> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'cohost-bench-sftp-'));
  const panel = await startTestPanel();
  let baseline: { port: number; close(): void } | null = null;
  try {
    const local = path.join(scratch, 'big.bin');
    const fd = openSync(local, 'w');
    for (let i = 0; i < MIB; i++) writeSync(fd, randomBytes(2 ** 20));
    closeSync(fd);
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const user = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, user, ['file.sftp', 'file.read', 'file.read-content', 'file.create', 'file.update', 'file.delete']);
    mkdirSync(serverRoot(panel.dataDir, server.uuid), { recursive: true });
    const plainDir = path.join(scratch, 'openssh');
    mkdirSync(plainDir);
    baseline = await openSshSftp(plainDir);

    const cohost = await throughput({ port: panel.sftpPort, login: `${user.username}.${server.identifier}`, password: TEST_PASSWORD }, local, path.join(scratch, 'back-cohost.bin'), '/big.bin');
    const openssh = await throughput({ port: baseline.port, login: 'bench', password: 'bench' }, local, path.join(scratch, 'back-openssh.bin'), 'big.bin');

    const note = `${MIB} MiB over loopback, ssh2 fastPut/fastGet in a process of its own, median of ${RUNS}`;
    return (['up', 'down'] as const).flatMap((dir) => {
      const name = dir === 'up' ? 'upload' : 'download';
      const ratio = cohost[dir] / openssh[dir];
      return [
        row('sftp', `${name}: Cohost`, cohost[dir], 'MiB/s', '', null, note),
        row('sftp', `${name}: OpenSSH sftp-server`, openssh[dir], 'MiB/s', '', null, 'same ssh2 transport, channel piped to sftp-server'),
        row('sftp', `${name}: Cohost vs OpenSSH`, ratio, '×', '≥ 0.5×', ratio >= 0.5),
      ];
    });
  } finally {
    baseline?.close();
    await panel.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}
