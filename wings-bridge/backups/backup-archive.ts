import { createHash } from 'node:crypto';
import { constants, readlinkSync, type Stats } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import ignore from 'ignore';
import { create as tarCreate, type ReadEntry } from 'tar';
import type { BackupResult } from '../daemon';

/** How often progress is reported at most (ms). */
const PROGRESS_EVERY_MS = 500;
/** node-tar reads each file in chunks of at most this (its default is 16 MiB per read): memory stays flat. */
const READ_CHUNK = 1024 * 1024;

/** Counts and hashes the archive as it goes to disk: the checksum is of exactly the bytes written. */
class Digest extends Transform {
  readonly hash = createHash('sha1');
  bytes = 0;
  private lastReport = 0;

  constructor(private readonly onProgress?: (bytes: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    const now = Date.now();
    if (this.onProgress && now - this.lastReport >= PROGRESS_EVERY_MS) {
      this.lastReport = now;
      this.onProgress(this.bytes);
    }
    done(null, chunk);
  }
}

/** A symlink is kept only when its target, resolved lexically from where it sits, stays inside the root. */
export function linkStaysInside(rel: string, target: string): boolean {
  if (target.startsWith('/') || target.includes('\0')) return false;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(rel), target));
  return resolved !== '..' && !resolved.startsWith('../');
}

/**
 * The predicate node-tar asks for every path (lstat'ed: links are never followed). Leaves out what `ignored` names
 * (gitignore rules: a directory pattern also skips everything beneath it), anything that is not a file, directory or
 * symlink (sockets and FIFOs would block a read), and symlinks leading out of the root (never archived, so a
 * restore never re-creates an escape).
 */
export function backupFilter(rootReal: string, patterns: readonly string[]): (p: string, st: Stats | ReadEntry) => boolean {
  const ig = ignore().add([...patterns]);
  return (p, entry) => {
    if (!('isFile' in entry)) return false;
    const st = entry;
    const rel = p.replace(/^\.\/?/, '').replace(/\/+$/, '');
    if (rel === '') return true;
    if (!st.isFile() && !st.isDirectory() && !st.isSymbolicLink()) return false;
    if (ig.ignores(st.isDirectory() ? `${rel}/` : rel)) return false;
    if (st.isSymbolicLink()) {
      try {
        return linkStaysInside(rel, readlinkSync(path.join(rootReal, rel)));
      } catch {
        return false;
      }
    }
    return true;
  };
}

/**
 * Writes a gzip'd tar of `rootReal` to `outPath`, streaming: tar → gzip (level 6, as gzip's default) → sha1/size →
 * file. It is written to
 * `<outPath>.part` (created exclusively, never through a link) and renamed into place only when complete, so a crash
 * leaves no archive that looks whole.
 */
export async function writeBackupArchive(
  rootReal: string, patterns: readonly string[], outPath: string, onProgress?: (bytes: number) => void,
): Promise<BackupResult> {
  const part = `${outPath}.part`;
  const handle = await open(part, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  const out = handle.createWriteStream();
  const digest = new Digest(onProgress);
  try {
    const pack = tarCreate({
      cwd: rootReal, portable: true, follow: false, maxReadSize: READ_CHUNK, filter: backupFilter(rootReal, patterns),
    }, ['.']);
    // Node's own gzip stream compresses on the thread pool, beside the tar walk on the main thread (as `tar -z`
    // runs gzip as a process of its own); node-tar's built-in gzip would do both on one thread.
    await pipeline(pack, createGzip({ level: 6, chunkSize: 128 * 1024 }), digest, out);
    await rename(part, outPath);
  } catch (err) {
    out.destroy();
    await unlink(part).catch(() => undefined);
    throw err;
  }
  onProgress?.(digest.bytes);
  return { checksum: digest.hash.digest('hex'), checksumType: 'sha1', bytes: digest.bytes };
}
