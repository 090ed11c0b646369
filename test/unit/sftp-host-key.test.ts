import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { generateUsablePair, loadHostKey } from '@bridge/sftp/host-key';

const dirs: string[] = [];
const fresh = () => { const d = mkdtempSync(path.join(os.tmpdir(), 'cohost-hostkey-')); dirs.push(d); return d; };
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
const parses = (key: string) => !(ssh2.utils.parseKey(key) instanceof Error);

describe('the SFTP host key', () => {
  it('is generated once and kept', () => {
    const dir = fresh();
    const first = loadHostKey(dir);
    expect(loadHostKey(dir)).toBe(first);
    expect(readFileSync(path.join(dir, 'sftp_host_ed25519_key'), 'utf8')).toBe(first);
  });

  it('is always a key ssh2 can load (its generator alone fails about once in 250)', () => {
    const dir = fresh();
    for (let i = 0; i < 600; i++) {
      rmSync(path.join(dir, 'sftp_host_ed25519_key'), { force: true });
      expect(parses(loadHostKey(dir))).toBe(true);
    }
  });

  it('generateUsablePair gives pairs whose both halves ssh2 can load (test fixtures use it for SSH keys)', () => {
    for (let i = 0; i < 600; i++) {
      const pair = generateUsablePair();
      expect(parses(pair.private) && parses(pair.public)).toBe(true);
    }
  });

  it('replaces a stored key ssh2 cannot load', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'sftp_host_ed25519_key'), '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a key\n-----END OPENSSH PRIVATE KEY-----\n');
    const key = loadHostKey(dir);
    expect(parses(key)).toBe(true);
    expect(readFileSync(path.join(dir, 'sftp_host_ed25519_key'), 'utf8')).toBe(key);
  });
});
