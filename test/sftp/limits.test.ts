import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import { MAX_IO_BYTES, MAX_PACKET_BYTES } from '@bridge/sftp/limits';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { openSshBatch, ssh2Connect } from './clients';

// limits@openssh.com (wings-bridge/sftp/limits.ts): offered in VERSION and answered, spoken here byte by byte over
// the raw subsystem channel, and seen by both real clients.

let panel: TestPanel;
let login: string;

beforeAll(async () => {
  panel = await startTestPanel();
  const owner = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  mkdirSync(serverRoot(panel.dataDir, server.uuid), { recursive: true });
  const user = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, ['file.sftp', 'file.read', 'file.read-content', 'file.create', 'file.update']);
  login = `${user.username}.${server.identifier}`;
});
afterAll(async () => { await panel?.close(); });

/** The raw `sftp` subsystem channel, and a reader of whole SFTP packets from it. */
async function rawSubsystem(): Promise<{ channel: ClientChannel; next(): Promise<Buffer>; end(): void }> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve()).once('error', reject);
    client.connect({ host: '127.0.0.1', port: panel.sftpPort, username: login, password: TEST_PASSWORD });
  });
  const channel = await new Promise<ClientChannel>((resolve, reject) => client.subsys('sftp', (e, ch) => (e ? reject(e) : resolve(ch))));
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | null = null;
  channel.on('data', (d: Buffer) => { buffered = Buffer.concat([buffered, d]); wake?.(); });
  const next = async (): Promise<Buffer> => {
    for (;;) {
      if (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
        const packet = buffered.subarray(4, 4 + buffered.readUInt32BE(0));
        buffered = buffered.subarray(4 + packet.length);
        return packet;
      }
      await new Promise<void>((r) => { wake = r; setTimeout(r, 2_000); });
    }
  };
  return { channel, next, end: () => client.end() };
}

const str = (s: string) => { const b = Buffer.alloc(4 + s.length); b.writeUInt32BE(s.length, 0); b.write(s, 4); return b; };
const pkt = (type: number, ...body: Buffer[]) => { const p = Buffer.concat([Buffer.from([type]), ...body]); const l = Buffer.alloc(4); l.writeUInt32BE(p.length, 0); return Buffer.concat([l, p]); };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n, 0); return b; };

describe('limits@openssh.com', () => {
  it('is offered in VERSION (an INIT split across writes is gathered) and answered with our limits; other requests go on', async () => {
    const raw = await rawSubsystem();
    try {
      const init = pkt(1, u32(3));
      raw.channel.write(init.subarray(0, 3));
      await new Promise((r) => setTimeout(r, 50));
      raw.channel.write(init.subarray(3));
      const version = await raw.next();
      expect(version[0]).toBe(2);
      expect(version.readUInt32BE(1)).toBe(3);
      const name = version.subarray(9, 9 + version.readUInt32BE(5)).toString();
      expect(name).toBe('limits@openssh.com');
      expect(version.subarray(9 + name.length + 4).toString()).toBe('1');

      raw.channel.write(pkt(200, u32(7), str('limits@openssh.com')));
      const reply = await raw.next();
      expect(reply[0]).toBe(201);
      expect(reply.readUInt32BE(1)).toBe(7);
      const [packet, read, write, handles] = [0, 1, 2, 3].map((i) => Number(reply.readBigUInt64BE(5 + 8 * i)));
      expect(packet).toBe(MAX_PACKET_BYTES);
      expect(write).toBe(MAX_IO_BYTES);
      expect(read).toBe(32768 - 13); // a DATA answer fits one 32 KiB channel packet of ssh2's client
      expect(handles).toBe(0);

      raw.channel.write(pkt(200, u32(8), str('statvfs@openssh.com'), str('/')));
      const unsupported = await raw.next();
      expect([unsupported[0], unsupported.readUInt32BE(1), unsupported.readUInt32BE(5)]).toEqual([101, 8, 8]); // STATUS OP_UNSUPPORTED
      raw.channel.write(pkt(16, u32(9), str('/../..'))); // REALPATH, handled by ssh2 and the session as before
      const name2 = await raw.next();
      expect(name2[0]).toBe(104);
      expect(name2.subarray(13, 13 + name2.readUInt32BE(9)).toString()).toBe('/');
    } finally {
      raw.end();
    }
  });

  it('ssh2\'s client asks for the limits and then writes 200 KiB in one request', async () => {
    const lines: string[] = [];
    const s = await ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD, debug: (l) => lines.push(l) });
    try {
      expect(lines.some((l) => l.includes('Received EXTENDED_REPLY') && l.includes('limits@openssh.com'))).toBe(true);
      const data = Buffer.alloc(200 * 1024, 7);
      const handle = await new Promise<Buffer>((resolve, reject) => s.sftp.open('/one-request.bin', 'w', (e, h) => (e ? reject(e) : resolve(h))));
      const before = lines.filter((l) => /Outbound: \w+ WRITE/.test(l)).length;
      await new Promise<void>((resolve, reject) => s.sftp.write(handle, data, 0, data.length, 0, (e) => (e ? reject(e) : resolve())));
      expect(lines.filter((l) => /Outbound: \w+ WRITE/.test(l)).length - before).toBe(1);
      await new Promise<void>((resolve, reject) => s.sftp.close(handle, (e) => (e ? reject(e) : resolve())));
    } finally {
      s.end();
    }
  });

  it('OpenSSH\'s sftp client sees the extension and adopts the limits', async () => {
    const batch = await openSshBatch({ port: panel.sftpPort, login, password: TEST_PASSWORD, commands: ['ls /'], verbose: true });
    expect(batch.code, batch.stderr).toBe(0);
    expect(batch.stderr).toMatch(/Server supports extension "limits@openssh.com" revision 1/);
    expect(batch.stderr).toContain(`buffer sizes ${MAX_IO_BYTES} / ${32768 - 13}; using ${MAX_IO_BYTES} / ${32768 - 13}`);
  });
});
