import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clampVirtual, displayPath, segmentsOf } from '@bridge/files/jail';
import { safeEntryName } from '@bridge/files/archive-extract';
import { parseLogin } from '@bridge/sftp/server';
import { LoginLimiter } from '@bridge/sftp/login-limiter';

describe('path segments (the lexical half of the jail)', () => {
  it('treats a leading slash as the server root, as Pterodactyl sends it', () => {
    expect(segmentsOf('/etc/passwd')).toEqual(['etc', 'passwd']);
    expect(displayPath('//a/./b/')).toBe('/a/b');
    expect(segmentsOf('/')).toEqual([]);
  });

  it('refuses "..", NUL bytes and over-long names instead of cleaning them', () => {
    for (const p of ['..', '../x', 'a/../../b', '/a/..', 'a\0b', 'x'.repeat(256)]) expect(() => segmentsOf(p)).toThrow();
    expect(() => segmentsOf('...')).not.toThrow();
    expect(() => segmentsOf('..a')).not.toThrow();
  });

  it('never yields a ".." segment, whatever the input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (p) => {
      let segs: string[];
      try { segs = segmentsOf(p); } catch { return; }
      expect(segs).not.toContain('..');
      expect(segs.every((s) => s !== '' && !s.includes('/') && !s.includes('\0'))).toBe(true);
    }), { numRuns: 2000 });
  });

  it('clamps SFTP paths at the root as a chroot does', () => {
    expect(clampVirtual('../../../etc/passwd')).toBe('/etc/passwd');
    expect(clampVirtual('..', '/a/b')).toBe('/a');
    expect(clampVirtual('x', '/a')).toBe('/a/x');
    expect(() => clampVirtual('a\0')).toThrow();
  });
});

describe('archive entry names', () => {
  it('refuses zip-slip, absolute and drive-letter names', () => {
    for (const n of ['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x', 'a\0']) expect(() => safeEntryName(n)).toThrow(/refused/);
    expect(safeEntryName('./world/level.dat')).toBe('world/level.dat');
  });
});

describe('SFTP logins', () => {
  it('splits <username>.<short id> at the last dot', () => {
    expect(parseLogin('alice.ab12cd34')).toEqual({ username: 'alice', shortId: 'ab12cd34' });
    expect(parseLogin('a.b.c.AB12CD34')).toEqual({ username: 'a.b.c', shortId: 'ab12cd34' });
    expect(parseLogin('alice')).toBeNull();
    expect(parseLogin('alice.xyz')).toBeNull();
  });

  it('blocks an IP + username after the allowed failures, until the window passes', () => {
    let now = 0;
    const limiter = new LoginLimiter(3, 1000, () => now);
    for (let i = 0; i < 3; i++) limiter.fail('1.1.1.1', 'a');
    expect(limiter.blocked('1.1.1.1', 'a')).toBe(true);
    expect(limiter.blocked('1.1.1.1', 'b')).toBe(false);
    expect(limiter.blocked('2.2.2.2', 'a')).toBe(false);
    now = 1001;
    expect(limiter.blocked('1.1.1.1', 'a')).toBe(false);
  });
});
