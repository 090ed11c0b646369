import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { open as openAsync, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { scratch } from './clients';

// Issue 23: a client that never waits for answers must not make the panel hold unbounded memory. The panel's
// disk writes are held back by occupying every libuv thread-pool thread (each blocked opening a FIFO that has no
// writer yet), so every WRITE that arrives has to wait in memory; the client sends 64 MiB at once. With the
// back-pressure cap the server stops topping up the channel window, and what it holds stays near the cap plus one
// 2 MiB window; without it, all 64 MiB would pile up.
const CAP = 1024 * 1024;
const CHUNK = 16 * 1024;
const COUNT = 4096; // 64 MiB

let panel: TestPanel;
let server: ServerRow;
let user: UserRow;

beforeAll(async () => {
  panel = await startTestPanel({ env: { SFTP_MAX_PENDING_WRITE_BYTES: String(CAP) } });
  const owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  mkdirSync(serverRoot(panel.dataDir, server.uuid), { recursive: true });
  user = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, ['file.sftp', 'file.read', 'file.create', 'file.update']);
});
afterAll(async () => { await panel?.close(); });

function startFlood(): { child: ChildProcessWithoutNullStreams; lines: AsyncIterableIterator<string> } {
  const config = { port: panel.sftpPort, login: `${user.username}.${server.identifier}`, password: TEST_PASSWORD, file: '/flood.bin', count: COUNT, chunk: CHUNK };
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'flood-client.mjs'), JSON.stringify(config)], { stdio: 'pipe' });
  return { child, lines: readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
}

/** Occupies every thread-pool thread until `release` (each blocks opening a FIFO for reading). */
function blockThreadPool(): { release(): Promise<void> } {
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const fifos = Array.from({ length: threads }, (_, i) => path.join(scratch, `pool-${process.pid}-${i}.fifo`));
  for (const f of fifos) execFileSync('mkfifo', [f]);
  const opened: Array<Promise<FileHandle>> = fifos.map((f) => openAsync(f, 'r'));
  return {
    async release() {
      const writers = fifos.map((f) => openSync(f, 'w')); // a reader waits on each, so these open at once
      for (const fh of await Promise.all(opened)) await fh.close();
      for (const w of writers) closeSync(w);
    },
  };
}

/** Waits until what the process holds in buffers stops growing, and returns the growth since `base`. */
async function settledGrowth(base: number): Promise<number> {
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 150 && stable < 5; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = process.memoryUsage().arrayBuffers;
    stable = Math.abs(now - last) < 64 * 1024 ? stable + 1 : 0;
    last = now;
  }
  return last - base;
}

describe('SFTP write back-pressure', () => {
  it('holds about one window past the cap while writes cannot keep up, then writes every byte', async () => {
    const flood = startFlood();
    expect((await flood.lines.next()).value).toBe('ready');
    const pool = blockThreadPool();
    const base = process.memoryUsage().arrayBuffers;
    flood.child.stdin.write('go\n');
    const held = await settledGrowth(base);
    // 64 MiB were sent; the server may hold the cap, one receive window (2 MiB) and packet slack.
    expect(held).toBeGreaterThan(CAP / 2);
    expect(held).toBeLessThan(CAP + 6 * 1024 * 1024);
    await pool.release();
    const result = JSON.parse((await flood.lines.next()).value as string) as { ok: number; failed: number };
    expect(result).toEqual({ ok: COUNT, failed: 0 });
    expect(statSync(path.join(serverRoot(panel.dataDir, server.uuid), 'flood.bin')).size).toBe(COUNT * CHUNK);
  });
});
