import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FsError } from './errors';

/** A pass-through that fails with `too_large` once more than `max` bytes went through it. */
export function byteLimit(max: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new FsError('too_large', `${what} is larger than the limit of ${max} bytes.`));
      else done(null, chunk);
    },
  });
}

/**
 * Writes `data` to `hostPath` atomically: into a fresh temporary file beside it (O_EXCL|O_NOFOLLOW), then renamed
 * over the target, so a write that fails or passes the limit leaves the old file untouched and nothing half-written.
 * An existing file keeps its permission bits. `hostPath` must already be jailed.
 */
export async function writeAtomically(hostPath: string, data: Readable | Buffer, maxBytes: number): Promise<void> {
  let mode = 0o644;
  try {
    const st = await lstat(hostPath);
    if (st.isDirectory()) throw new FsError('is_directory', 'A directory exists at that path.');
    if (st.isFile()) mode = st.mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const temp = path.join(path.dirname(hostPath), `.cohost-upload-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
    // The write stream owns the handle and closes it when done or destroyed.
    await pipeline(source, byteLimit(maxBytes, 'The file'), handle.createWriteStream());
    await chmod(temp, mode);
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  try {
    await rename(temp, hostPath);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
