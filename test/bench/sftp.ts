import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { bootCohost } from '@server/boot';
import { serverRoot } from '@bridge/files/local-filesystem';
import { createTestDatabase } from '../factories/database';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { openSshBatch } from '../sftp/clients';
import { median, row, type BenchRow } from './report';

const { Server, utils } = ssh2;

const SIZE = 64 * 1024 * 1024;
const RUNS = 3;
const OPENSSH_SFTP_SERVER = '/usr/lib/openssh/sftp-server';

function timed(run: () => Promise<{ code: number; stderr: string }>): Promise<number> {
  const start = performance.now();
  return run().then((r) => {
    if (r.code !== 0) throw new Error(`sftp failed: ${r.stderr}`);
    return performance.now() - start;
  });
}

/**
 * The baseline: an ssh2 server (same transport, same host-key type) whose `sftp` subsystem is OpenSSH's own
 * sftp-server process, and which accepts any password (no argon2, no jail, no key checks).
 */
async function baselineServer(dir: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = new Server({ hostKeys: [utils.generateKeyPairSync('ed25519').private] }, (client) => {
    client.on('authentication', (ctx) => (ctx.method === 'password' ? ctx.accept() : ctx.reject(['password'])));
    client.on('error', () => undefined);
    client.on('ready', () => client.on('session', (acceptSession) => {
      acceptSession().on('subsystem', (accept) => {
        const channel = accept();
        const proc = spawn(OPENSSH_SFTP_SERVER, [], { cwd: dir, stdio: ['pipe', 'pipe', 'ignore'] });
        channel.pipe(proc.stdin);
        proc.stdout.pipe(channel);
        proc.on('exit', () => { channel.exit(0); channel.end(); });
      });
    }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * SFTP throughput (DESIGN §11): OpenSSH's `sftp` client downloading and uploading a 64 MiB file through Cohost's
 * SFTP server (argon2 login, jail and per-operation key checks), against the same client and the same ssh2 transport
 * serving OpenSSH's own sftp-server. The ratio is Cohost's time over the baseline's, measured side by side in one run.
 */
export async function benchSftp(): Promise<BenchRow[]> {
  const database = await createTestDatabase();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-bench-sftp-'));
  const baseline = await baselineServer(path.join(dir, 'plain'));
  const panel = await bootCohost({ env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: path.join(dir, 'data'), SFTP_PORT: '0', SFTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent' } });
  try {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const user = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, user, ['file.sftp', 'file.read', 'file.read-content', 'file.create', 'file.update']);
    const root = serverRoot(panel.app.config.DATA_DIR, server.uuid);
    const local = path.join(dir, 'local');
    const plain = path.join(dir, 'plain');
    for (const d of [root, local, plain]) mkdirSync(d, { recursive: true });
    const blob = randomBytes(SIZE);
    for (const d of [root, local, plain]) writeFileSync(path.join(d, 'blob.bin'), blob);
    const login = `${user.username}.${server.identifier}`;
    const ours = { get: [] as number[], put: [] as number[] };
    const theirs = { get: [] as number[], put: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      ours.get.push(await timed(() => openSshBatch({ port: panel.sftpPort, login, password: TEST_PASSWORD, cwd: local, commands: [`get /blob.bin got-${i}.bin`] })));
      theirs.get.push(await timed(() => openSshBatch({ port: baseline.port, login: 'bench', password: 'x', cwd: local, commands: [`get ${path.join(plain, 'blob.bin')} got-d-${i}.bin`] })));
      ours.put.push(await timed(() => openSshBatch({ port: panel.sftpPort, login, password: TEST_PASSWORD, cwd: local, commands: [`put blob.bin /up-${i}.bin`] })));
      theirs.put.push(await timed(() => openSshBatch({ port: baseline.port, login: 'bench', password: 'x', cwd: local, commands: [`put blob.bin ${path.join(plain, `up-${i}.bin`)}`] })));
    }
    const rows: BenchRow[] = [];
    for (const op of ['get', 'put'] as const) {
      const ratio = median(ours[op]) / median(theirs[op]);
      rows.push(row('sftp', `${op} 64 MiB, Cohost ÷ OpenSSH sftp-server (time)`, ratio, '×', '≤ 2×', ratio <= 2,
        `median ${median(ours[op]).toFixed(0)} ms vs ${median(theirs[op]).toFixed(0)} ms, same client and ssh2 transport; Cohost's side includes its argon2 login`));
    }
    return rows;
  } finally {
    await panel.close();
    await baseline.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
