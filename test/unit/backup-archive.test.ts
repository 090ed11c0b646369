import type { Stats } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backupFilter, linkStaysInside } from '@bridge/backups/backup-archive';

const file = { isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false } as Stats;
const dir = { isFile: () => false, isDirectory: () => true, isSymbolicLink: () => false } as Stats;
const fifo = { isFile: () => false, isDirectory: () => false, isSymbolicLink: () => false } as Stats;

describe('what a backup keeps', () => {
  it('keeps links that stay inside the root and drops absolute or climbing ones', () => {
    expect(linkStaysInside('a/link', 'b.txt')).toBe(true);
    expect(linkStaysInside('a/link', '../top.txt')).toBe(true);
    expect(linkStaysInside('a/link', '../../outside')).toBe(false);
    expect(linkStaysInside('link', '/etc/passwd')).toBe(false);
    expect(linkStaysInside('link', '..')).toBe(false);
  });

  it('applies gitignore rules (a directory pattern skips its contents) and drops FIFOs and sockets', () => {
    const keep = backupFilter('/nonexistent', ['logs/', '*.tmp', '!important.tmp']);
    expect(keep('./', dir)).toBe(true);
    expect(keep('./logs', dir)).toBe(false);
    expect(keep('./world/logs', dir)).toBe(false);
    expect(keep('./cache.tmp', file)).toBe(false);
    expect(keep('./important.tmp', file)).toBe(true);
    expect(keep('./server.properties', file)).toBe(true);
    expect(keep('./pipe', fifo)).toBe(false);
  });
});
