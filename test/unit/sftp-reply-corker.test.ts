import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { replyCorker } from '@bridge/sftp/server';

const sockets: Socket[] = [];
const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) s.close();
});

async function pair(): Promise<{ local: Socket; received: () => Buffer }> {
  const chunks: Buffer[] = [];
  const server = createServer((peer) => { sockets.push(peer); peer.on('data', (d: Buffer) => chunks.push(d)); });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const local = connect((server.address() as { port: number }).port, '127.0.0.1');
  sockets.push(local);
  await once(local, 'connect');
  return { local, received: () => Buffer.concat(chunks) };
}

const immediate = () => new Promise((r) => setImmediate(r));

describe('replyCorker', () => {
  it('holds the socket\'s writes until the end of the loop phase, corking once however often it is called', async () => {
    const { local, received } = await pair();
    const cork = replyCorker(local);
    cork();
    cork();
    local.write('a');
    local.write('b');
    expect(local.writableCorked).toBe(1);
    expect(local.writableLength).toBe(2); // held, not yet handed to the kernel
    await immediate();
    expect(local.writableCorked).toBe(0);
    for (let i = 0; i < 50 && received().length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(received().toString()).toBe('ab');
    cork(); // and again on a later turn
    expect(local.writableCorked).toBe(1);
    await immediate();
    expect(local.writableCorked).toBe(0);
  });

  it('does nothing without a socket or on a destroyed one', async () => {
    expect(() => replyCorker(undefined)()).not.toThrow();
    const { local } = await pair();
    local.destroy();
    const cork = replyCorker(local);
    cork();
    expect(local.writableCorked).toBe(0);
  });
});
