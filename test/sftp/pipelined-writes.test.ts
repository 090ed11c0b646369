import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import type { OpenMode, SFTPWrapper, Stats } from 'ssh2';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { openSshBatch, scratch, ssh2Connect, type Ssh2Session } from './clients';

// WRITEs are gathered per handle and written as `writev` runs (wings-bridge/sftp/session.ts). These send requests
// the way fast clients do, many in flight without waiting for answers, and check what lands on disk. Chunks stay at
// 16 KiB: ssh2's client splits a larger write and sends the rest only once the first part is answered.
const CHUNK = 16 * 1024;

let panel: TestPanel;
let server: ServerRow;
let root: string;
let s: Ssh2Session;

const open = (sftp: SFTPWrapper, p: string, flags: OpenMode) => new Promise<Buffer>((resolve, reject) => sftp.open(p, flags, (e, h) => (e ? reject(e) : resolve(h))));
const write = (sftp: SFTPWrapper, h: Buffer, data: Buffer, position: number) => new Promise<void>((resolve, reject) => sftp.write(h, data, 0, data.length, position, (e) => (e ? reject(e) : resolve())));
const read = (sftp: SFTPWrapper, h: Buffer, length: number, position: number) => new Promise<Buffer>((resolve, reject) => {
  const buf = Buffer.alloc(length);
  sftp.read(h, buf, 0, length, position, (e, n) => (e ? reject(e) : resolve(buf.subarray(0, n))));
});
const fstat = (sftp: SFTPWrapper, h: Buffer) => new Promise<Stats>((resolve, reject) => sftp.fstat(h, (e, st) => (e ? reject(e) : resolve(st))));
const close = (sftp: SFTPWrapper, h: Buffer) => new Promise<void>((resolve, reject) => sftp.close(h, (e) => (e ? reject(e) : resolve())));

beforeAll(async () => {
  panel = await startTestPanel();
  const owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  root = serverRoot(panel.dataDir, server.uuid);
  mkdirSync(root, { recursive: true });
  const user = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, ['file.sftp', 'file.read', 'file.read-content', 'file.create', 'file.update']);
  s = await ssh2Connect({ port: panel.sftpPort, login: `${user.username}.${server.identifier}`, password: TEST_PASSWORD });
});
afterAll(async () => {
  s?.end();
  await panel?.close();
});

describe('pipelined SFTP writes', () => {
  it('land byte for byte when sent out of order, with gaps and overlaps, and overlapping ones apply in the order sent', async () => {
    const size = 256 * 1024;
    const expected = Buffer.alloc(size);
    const writes: Array<{ at: number; data: Buffer }> = [];
    // 4 KiB blocks in a shuffled order (runs and gaps), then overlapping rewrites that straddle blocks.
    const blocks = Array.from({ length: size / 4096 }, (_, i) => i).sort(() => Math.random() - 0.5);
    for (const b of blocks) writes.push({ at: b * 4096, data: randomBytes(4096) });
    for (let i = 0; i < 40; i++) writes.push({ at: Math.floor(Math.random() * (size - 6000)), data: randomBytes(1 + Math.floor(Math.random() * 6000)) });
    for (const w of [...writes]) writes.push({ at: w.at, data: Buffer.alloc(w.data.length, 0x41) }, w); // same range twice: the later wins
    for (const w of writes) w.data.copy(expected, w.at);

    const h = await open(s.sftp, '/pipelined.bin', 'w');
    await Promise.all(writes.map((w) => write(s.sftp, h, w.data, w.at)));
    await close(s.sftp, h);
    expect(readFileSync(path.join(root, 'pipelined.bin')).equals(expected)).toBe(true);
  });

  it('a READ and an FSTAT sent right behind WRITEs (no waiting for their answers) see the written bytes', async () => {
    const h = await open(s.sftp, '/read-behind.bin', 'w+');
    const data = randomBytes(6 * CHUNK);
    const pending = [0, 1, 2, 3, 4, 5].map((i) => write(s.sftp, h, data.subarray(i * CHUNK, (i + 1) * CHUNK), i * CHUNK));
    const [back, st] = await Promise.all([read(s.sftp, h, data.length, 0), fstat(s.sftp, h), ...pending]);
    expect(back.equals(data)).toBe(true);
    expect(st.size).toBe(data.length);
    await close(s.sftp, h);
  });

  it('CLOSE sent right behind WRITEs answers after they are written', async () => {
    const h = await open(s.sftp, '/close-behind.bin', 'w');
    const data = randomBytes(1024 * 1024);
    const pending = [];
    for (let at = 0; at < data.length; at += CHUNK) pending.push(write(s.sftp, h, data.subarray(at, at + CHUNK), at));
    await close(s.sftp, h);
    expect(readFileSync(path.join(root, 'close-behind.bin')).equals(data)).toBe(true);
    await Promise.all(pending);
  });

  it('large transfers arrive intact through ssh2 fastPut / fastGet and OpenSSH sftp put / get', async () => {
    const local = path.join(scratch, 'big-upload.bin');
    const data = randomBytes(8 * 1024 * 1024 + 12345);
    writeFileSync(local, data);
    await new Promise<void>((resolve, reject) => s.sftp.fastPut(local, '/big.bin', (e) => (e ? reject(e) : resolve())));
    expect(readFileSync(path.join(root, 'big.bin')).equals(data)).toBe(true);
    const back = path.join(scratch, 'big-back.bin');
    await new Promise<void>((resolve, reject) => s.sftp.fastGet('/big.bin', back, (e) => (e ? reject(e) : resolve())));
    expect(readFileSync(back).equals(data)).toBe(true);

    const user = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, user, ['file.sftp', 'file.read', 'file.read-content', 'file.create', 'file.update']);
    const batch = await openSshBatch({
      port: panel.sftpPort, login: `${user.username}.${server.identifier}`, password: TEST_PASSWORD,
      commands: ['put big-upload.bin /openssh-big.bin', 'get /openssh-big.bin openssh-back.bin'],
    });
    expect(batch.code, batch.stderr).toBe(0);
    expect(readFileSync(path.join(root, 'openssh-big.bin')).equals(data)).toBe(true);
    expect(readFileSync(path.join(scratch, 'openssh-back.bin')).equals(data)).toBe(true);
  });
});
