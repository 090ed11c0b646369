import type { Stats } from 'node:fs';
import path from 'node:path';
import type { FileEntry } from './types';

const TYPES: Record<string, string> = {
  txt: 'text/plain', log: 'text/plain', md: 'text/markdown', properties: 'text/plain', cfg: 'text/plain',
  conf: 'text/plain', ini: 'text/plain', yml: 'text/yaml', yaml: 'text/yaml', toml: 'text/plain', json: 'application/json',
  xml: 'text/xml', html: 'text/html', css: 'text/css', js: 'text/javascript', mjs: 'text/javascript', ts: 'text/plain',
  sh: 'text/x-shellscript', csv: 'text/csv', lua: 'text/plain', py: 'text/x-python',
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', svg: 'image/svg+xml', webp: 'image/webp',
  zip: 'application/zip', gz: 'application/gzip', tgz: 'application/gzip', tar: 'application/x-tar',
  jar: 'application/java-archive', pdf: 'application/pdf',
};

/** A mimetype by extension (Wings sniffs content; an extension table is enough for the file manager's choices). */
export function mimetypeOf(name: string, stats: Stats): string {
  if (stats.isDirectory()) return 'inode/directory';
  if (stats.isSymbolicLink()) return 'inode/symlink';
  const ext = path.extname(name).slice(1).toLowerCase();
  return TYPES[ext] ?? 'application/octet-stream';
}

function typeChar(stats: Stats): string {
  if (stats.isDirectory()) return 'd';
  if (stats.isSymbolicLink()) return 'l';
  if (stats.isFIFO()) return 'p';
  if (stats.isSocket()) return 's';
  if (stats.isCharacterDevice()) return 'c';
  if (stats.isBlockDevice()) return 'b';
  return '-';
}

/** `-rw-r--r--` from a mode. */
export function modeString(stats: Stats): string {
  const rwx = (bits: number) => `${bits & 4 ? 'r' : '-'}${bits & 2 ? 'w' : '-'}${bits & 1 ? 'x' : '-'}`;
  const m = stats.mode & 0o777;
  return typeChar(stats) + rwx(m >> 6) + rwx((m >> 3) & 7) + rwx(m & 7);
}

export function entryOf(name: string, stats: Stats): FileEntry {
  return {
    name,
    mode: modeString(stats),
    modeBits: (stats.mode & 0o777).toString(8),
    size: stats.size,
    isFile: stats.isFile(),
    isSymlink: stats.isSymbolicLink(),
    mimetype: mimetypeOf(name, stats),
    createdAt: stats.birthtime.getTime() > 0 ? stats.birthtime : stats.ctime,
    modifiedAt: stats.mtime,
  };
}
