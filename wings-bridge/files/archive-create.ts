import { constants } from 'node:fs';
import { lstat, open, readdir, readlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createRequire } from 'node:module';
import type { Archiver, ZipOptions } from 'archiver';
import { create as tarCreate } from 'tar';
import type { ArchiveFormat } from './types';

// archiver 7 is CommonJS (`archiver(format, options)`); the installed @types describe v8's classes, so the factory
// is typed here by hand.
const archiver = createRequire(import.meta.url)('archiver') as (format: 'zip', options: ZipOptions) => Archiver;

/** Adds a tree to a zip without following symlinks (a link is stored as a link, never as what it points to). */
async function addToZip(zip: Archiver, hostPath: string, name: string): Promise<void> {
  const st = await lstat(hostPath);
  if (st.isSymbolicLink()) {
    zip.symlink(name, await readlink(hostPath), st.mode & 0o777);
  } else if (st.isDirectory()) {
    zip.append(Buffer.alloc(0), { name: `${name}/`, type: 'directory', mode: st.mode & 0o777, date: st.mtime });
    for (const child of (await readdir(hostPath)).sort()) await addToZip(zip, path.join(hostPath, child), `${name}/${child}`);
  } else if (st.isFile()) {
    zip.file(hostPath, { name, mode: st.mode & 0o777, date: st.mtime });
  }
}

/**
 * Archives `names` (relative to `cwd`, already jailed) into `outHostPath`, which is created exclusively and never
 * through a symlink. tar.gz via `tar` (links stored as links), zip via `archiver`.
 */
export async function createArchive(cwd: string, names: readonly string[], format: ArchiveFormat, outHostPath: string): Promise<void> {
  const handle = await open(outHostPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  const out = handle.createWriteStream();
  try {
    if (format === 'tar.gz') {
      const pack = tarCreate({ gzip: true, cwd, portable: true, follow: false }, [...names]);
      await pipeline(pack, out);
    } else {
      const zip = archiver('zip', { zlib: { level: 6 } });
      const done = pipeline(zip, out);
      for (const name of names) await addToZip(zip, path.join(cwd, name), name);
      await zip.finalize();
      await done;
    }
  } catch (err) {
    out.destroy();
    await unlink(outHostPath).catch(() => undefined);
    throw err;
  }
}
