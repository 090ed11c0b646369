import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDaemon } from '@bridge/local/local-daemon';

/** The LocalDaemon's backup operations on real files (no panel): what a Wings adapter must match later. */
let data: string;
let daemon: LocalDaemon;
const server = () => ({ uuid: randomUUID(), startupCommand: 'true' });
const rootOf = (s: { uuid: string }) => { const r = path.join(data, 'servers', s.uuid); mkdirSync(r, { recursive: true }); return r; };

beforeAll(() => {
  data = mkdtempSync(path.join(os.tmpdir(), 'cohost-backups-'));
  daemon = new LocalDaemon({ dataDir: data });
});
afterAll(async () => {
  await daemon.close();
  rmSync(data, { recursive: true, force: true });
});

describe('LocalDaemon backups', () => {
  it('skips FIFOs instead of blocking on them, reports progress, and streams the archive back', async () => {
    const s = server();
    const root = rootOf(s);
    writeFileSync(path.join(root, 'a.txt'), 'a');
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    const seen: number[] = [];
    const uuid = randomUUID();
    const result = await daemon.backup(s, { uuid, ignored: [] }, (b) => seen.push(b));
    expect(seen.at(-1)).toBe(result.bytes);
    const opened = await daemon.openBackup(s, uuid);
    expect(opened.size).toBe(result.bytes);
    opened.stream.destroy();
    const restored = server();
    // Another server's uuid names another archive: nothing to restore there.
    await expect(daemon.restore(restored, uuid, { truncate: false })).rejects.toThrow(/does not exist/);
    await daemon.deleteBackup(s, uuid);
    await expect(daemon.openBackup(s, uuid)).rejects.toThrow(/does not exist/);
  });

  it('refuses, without truncate, to restore through a symlink in the root that leads outside', async () => {
    const s = server();
    const root = rootOf(s);
    mkdirSync(path.join(root, 'plugins'));
    writeFileSync(path.join(root, 'plugins', 'p.jar'), 'jar');
    const uuid = randomUUID();
    await daemon.backup(s, { uuid, ignored: [] });
    const outside = path.join(data, 'outside');
    mkdirSync(outside);
    rmSync(path.join(root, 'plugins'), { recursive: true });
    symlinkSync(outside, path.join(root, 'plugins'));
    await expect(daemon.restore(s, uuid, { truncate: false })).rejects.toThrow(/outside/);
    expect(readdirSync(outside)).toEqual([]);
    // With truncate the link itself goes to the trash first, and the real folder comes back.
    await daemon.restore(s, uuid, { truncate: true });
    expect(readFileSync(path.join(root, 'plugins', 'p.jar'), 'utf8')).toBe('jar');
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(path.join(data, 'trash', s.uuid))).toBe(true);
  });

  it('leaves no archive behind when the backup fails', async () => {
    const s = server();
    rootOf(s);
    const uuid = randomUUID();
    const dir = path.join(data, 'backups', s.uuid);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${uuid}.tar.gz.part`), 'stale'); // O_EXCL: a part file already there fails the backup
    await expect(daemon.backup(s, { uuid, ignored: [] })).rejects.toThrow();
    expect(existsSync(path.join(dir, `${uuid}.tar.gz`))).toBe(false);
  });
});
