import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Parser, Unpack, type ReadEntry } from 'tar';
import { safeEntryName } from '../files/archive-extract';
import { FsError } from '../files/errors';
import type { Jail } from '../files/jail';
import { linkStaysInside } from './backup-archive';

const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);
/** Our own archives: a world full of zeros compresses far beyond node-tar's default 1000:1 guard. */
const MAX_RATIO = 1_000_000;

const unsafe = (detail: string) => new FsError('unsafe_archive', `The backup was refused: ${detail}`);

/**
 * Reads every header of a backup (data skipped) and refuses it — before anything is written — when any entry is
 * unsafe: a name that is absolute or climbs out (`..`), a NUL or backslash, a device/FIFO, a link whose target leaves
 * the root, an entry beneath a symlink the archive itself creates (writing through it). With `existing`, each
 * entry's parent must also resolve inside the root through the links already there (a restore without truncate).
 */
export function scanBackup(hostFile: string, existing: Jail | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const links = new Set<string>();
    const parents = new Map<string, Promise<string>>();
    const pending: Promise<unknown>[] = [];
    let entries = 0;
    const input = createReadStream(hostFile);
    let failed = false;
    const fail = (err: unknown) => { if (failed) return; failed = true; input.destroy(); reject(err); };
    const parser = new Parser({
      strict: true, maxDecompressionRatio: MAX_RATIO, gzip: false,
      onReadEntry: (entry: ReadEntry) => {
        try {
          if (!ALLOWED.has(entry.type)) throw unsafe(`the entry "${entry.path}" is a ${entry.type}, which is not allowed.`);
          const name = safeEntryName(entry.path);
          const parts = name.split('/');
          for (let i = 1; i < parts.length; i++) {
            if (links.has(parts.slice(0, i).join('/'))) throw unsafe(`the entry "${name}" lies beneath a symbolic link.`);
          }
          if (entry.type === 'SymbolicLink') {
            if (!linkStaysInside(name, entry.linkpath ?? '')) throw unsafe(`the link "${name}" points outside the server.`);
            links.add(name);
          }
          if (entry.type === 'Link' && !linkStaysInside('x', entry.linkpath ?? '')) throw unsafe(`the hard link "${name}" points outside the server.`);
          if (existing && parts.length > 1) {
            const dir = parts.slice(0, -1).join('/');
            if (!parents.has(dir)) {
              const check = existing.resolve(dir);
              parents.set(dir, check);
              pending.push(check.catch(fail));
            }
          }
          entries++;
        } catch (err) {
          fail(err);
        }
        entry.resume();
      },
    });
    parser.on('error', (err: Error) => fail(new FsError('unsafe_archive', `The backup could not be read: ${err.message}`)));
    parser.on('end', () => { void Promise.all(pending).then(() => { if (!failed) resolve(entries); }); });
    // Node's gunzip stream inflates on the thread pool, beside the header walk on the main thread.
    const gunzip = createGunzip({ chunkSize: 128 * 1024 });
    gunzip.on('error', (err: Error) => fail(new FsError('unsafe_archive', `The backup could not be read: ${err.message}`)));
    input.on('error', fail);
    input.pipe(gunzip).pipe(parser);
  });
}

/** Extracts a scanned backup into the root: permission bits only (no setuid/setgid/sticky), never through a link. */
export async function extractBackup(hostFile: string, rootReal: string): Promise<void> {
  const unpack = new Unpack({
    cwd: rootReal, strict: true, preservePaths: false, preserveOwner: false, maxDecompressionRatio: MAX_RATIO, gzip: false,
    filter: (p, entry) => {
      if ('mode' in entry && typeof entry.mode === 'number') (entry as { mode: number }).mode &= 0o777;
      try { safeEntryName(p); return true; } catch { return false; }
    },
  });
  await new Promise<void>((resolve, reject) => {
    const input = createReadStream(hostFile);
    const gunzip = createGunzip({ chunkSize: 128 * 1024 });
    const fail = (err: unknown) => { input.destroy(); reject(err); };
    input.on('error', fail);
    gunzip.on('error', fail);
    unpack.on('error', fail);
    unpack.on('close', () => resolve());
    input.pipe(gunzip).pipe(unpack);
  });
}
