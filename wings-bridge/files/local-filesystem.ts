import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, open, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { createArchive } from './archive-create';
import { extractArchive } from './archive-extract';
import { FsError, fromErrno } from './errors';
import { entryOf } from './entries';
import { Jail, displayPath, segmentsOf } from './jail';
import { Trash } from './trash';
import type { ArchiveFormat, FileEntry, FileLimits, ServerFilesystem, TrashEntry } from './types';
import { writeAtomically } from './write-file';

/** `DATA_DIR/servers/<uuid>`: the directory a server runs in and the root of its files. */
export function serverRoot(dataDir: string, uuid: string): string {
  return path.join(path.resolve(dataDir), 'servers', uuid);
}

/** `DATA_DIR/trash/<uuid>`: outside the served root, so listings and SFTP never reach it. */
export function trashRoot(dataDir: string, uuid: string): string {
  return path.join(path.resolve(dataDir), 'trash', uuid);
}

export function localFilesystemFor(dataDir: string, uuid: string, limits: FileLimits): LocalFilesystem {
  return new LocalFilesystem(serverRoot(dataDir, uuid), limits, trashRoot(dataDir, uuid));
}

const join = (root: string, name: string) => `${root}/${name}`;
const noFollow = { followFinal: false };

/** Reads and writes through the filesystem on this host, every path jailed to `root` (DESIGN §8). */
export class LocalFilesystem implements ServerFilesystem {
  readonly jail: Jail;
  readonly trash: Trash;

  constructor(readonly root: string, readonly limits: FileLimits, trashDir = path.join(path.dirname(path.dirname(root)), 'trash', path.basename(root))) {
    this.jail = new Jail(root);
    this.trash = new Trash(trashDir);
  }

  /** Throws `invalid_path` for the root itself, which no operation may rename, delete or replace. */
  private notRoot(p: string): void {
    if (segmentsOf(p).length === 0) throw new FsError('invalid_path', 'This operation cannot be applied to the server root.');
  }

  async list(dir: string): Promise<FileEntry[]> {
    const host = await this.jail.resolve(dir);
    let names: string[];
    try {
      names = await readdir(host);
    } catch (err) {
      return fromErrno(err, displayPath(dir));
    }
    const entries: FileEntry[] = [];
    for (const name of names) {
      try {
        entries.push(entryOf(name, await lstat(path.join(host, name))));
      } catch {
        // Vanished between readdir and lstat: leave it out.
      }
    }
    return entries.sort((a, b) => Number(a.isFile) - Number(b.isFile) || a.name.localeCompare(b.name));
  }

  async stat(file: string): Promise<FileEntry> {
    const host = await this.jail.resolve(file, noFollow);
    try {
      return entryOf(path.basename(host), await lstat(host));
    } catch (err) {
      return fromErrno(err, displayPath(file));
    }
  }

  private async openFile(file: string) {
    const host = await this.jail.resolve(file);
    try {
      const handle = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
      const st = await handle.stat();
      if (!st.isFile()) {
        await handle.close();
        throw new FsError(st.isDirectory() ? 'is_directory' : 'unsupported', `${displayPath(file)} is not a regular file.`);
      }
      return { handle, size: st.size, name: path.basename(host) };
    } catch (err) {
      if (err instanceof FsError) throw err;
      return fromErrno(err, displayPath(file));
    }
  }

  async read(file: string): Promise<Buffer> {
    const { handle, size } = await this.openFile(file);
    try {
      if (size > this.limits.maxReadBytes) {
        throw new FsError('too_large', `The file is larger than the limit of ${this.limits.maxReadBytes} bytes for viewing; download it instead.`);
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async openRead(file: string): Promise<{ stream: Readable; size: number; name: string }> {
    const { handle, size, name } = await this.openFile(file);
    return { stream: handle.createReadStream(), size, name };
  }

  async write(file: string, data: Readable | Buffer): Promise<FileEntry> {
    this.notRoot(file);
    // A final symlink is followed (and must lead inside): the write lands on its target, never replaces the link.
    const host = await this.jail.resolve(file);
    try {
      await mkdir(path.dirname(host), { recursive: true });
      await writeAtomically(host, data, this.limits.maxUploadBytes);
      return entryOf(path.basename(host), await lstat(host));
    } catch (err) {
      if (err instanceof FsError) throw err;
      return fromErrno(err, displayPath(file));
    }
  }

  async createDirectory(root: string, name: string): Promise<void> {
    const target = join(root, name);
    this.notRoot(target);
    const host = await this.jail.resolve(target, noFollow);
    if (await exists(host)) throw new FsError('exists', `${displayPath(target)} already exists.`);
    try {
      await mkdir(host, { recursive: true });
    } catch (err) {
      return fromErrno(err, displayPath(target));
    }
  }

  async rename(root: string, from: string, to: string): Promise<void> {
    const source = join(root, from);
    const target = join(root, to);
    this.notRoot(source);
    this.notRoot(target);
    const src = await this.jail.resolve(source, noFollow);
    const dst = await this.jail.resolve(target, noFollow);
    if (!(await exists(src))) throw new FsError('not_found', `${displayPath(source)} does not exist.`);
    if (await exists(dst)) throw new FsError('exists', `${displayPath(target)} already exists.`);
    try {
      await mkdir(path.dirname(dst), { recursive: true });
      await rename(src, dst);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EINVAL') throw new FsError('invalid_path', 'A directory cannot be moved into itself.');
      return fromErrno(err, displayPath(source));
    }
  }

  async copy(location: string): Promise<string> {
    const src = await this.jail.resolve(location);
    const st = await lstat(src).catch((err: unknown) => fromErrno(err, displayPath(location)));
    if (!st.isFile()) throw new FsError('is_directory', 'Only files can be copied.');
    const segments = segmentsOf(location);
    const dir = segments.slice(0, -1).join('/');
    const ext = path.extname(path.basename(src));
    const base = path.basename(segments.at(-1) ?? '', ext);
    for (let n = 1; n < 1000; n++) {
      const name = `${base} copy${n === 1 ? '' : ` ${n}`}${ext}`;
      const dst = await this.jail.resolve(join(dir, name), noFollow);
      try {
        await copyFile(src, dst, constants.COPYFILE_EXCL);
        return displayPath(join(dir, name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return fromErrno(err, displayPath(location));
      }
    }
    throw new FsError('exists', 'Too many copies of this file exist already.');
  }

  async delete(root: string, files: readonly string[]): Promise<TrashEntry[]> {
    const hosts: Array<{ host: string; shown: string }> = [];
    for (const f of files) {
      const target = join(root, f);
      this.notRoot(target);
      const host = await this.jail.resolve(target, noFollow);
      if (!(await exists(host))) throw new FsError('not_found', `${displayPath(target)} does not exist.`);
      hosts.push({ host, shown: displayPath(target) });
    }
    const out: TrashEntry[] = [];
    for (const { host, shown } of hosts) out.push(await this.trash.put(host, shown));
    return out;
  }

  async compress(root: string, files: readonly string[], format: ArchiveFormat, name?: string): Promise<FileEntry> {
    const cwd = await this.jail.resolve(root);
    const names: string[] = [];
    for (const f of files) {
      const host = await this.jail.resolve(join(root, f), noFollow);
      const rel = path.relative(cwd, host);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new FsError('invalid_path', `${f} is not inside ${displayPath(root)}.`);
      if (!(await exists(host))) throw new FsError('not_found', `${displayPath(join(root, f))} does not exist.`);
      names.push(rel);
    }
    const stamp = new Date().toISOString().replace(/:/g, '').replace(/\.\d+Z$/, 'Z');
    const base = name ? path.basename(segmentsOf(name).join('/') || 'archive') : `archive-${stamp}`;
    const fileName = base.endsWith(`.${format}`) ? base : `${base}.${format}`;
    const out = await this.jail.resolve(join(root, fileName), noFollow);
    try {
      await createArchive(cwd, names, format, out);
      return entryOf(fileName, await lstat(out));
    } catch (err) {
      if (err instanceof FsError) throw err;
      return fromErrno(err, displayPath(join(root, fileName)));
    }
  }

  async decompress(root: string, file: string): Promise<void> {
    const { handle } = await this.openFile(join(root, file));
    await handle.close();
    const host = await this.jail.resolve(join(root, file));
    await extractArchive(this.jail, host, displayPath(root), this.limits.maxExtractBytes);
  }

  async realPath(file: string): Promise<string> {
    const virtual = await this.jail.virtualOf(await this.jail.resolve(file, { followFinal: true }));
    if (virtual === null) throw new FsError('outside_root', 'The path leads outside the server.');
    return virtual;
  }

  async chmod(file: string, mode: number): Promise<void> {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) throw new FsError('invalid_path', 'The mode must be between 000 and 777.');
    const host = await this.jail.resolve(file);
    try {
      await chmod(host, mode);
    } catch (err) {
      return fromErrno(err, displayPath(file));
    }
  }

  trashList(): Promise<TrashEntry[]> {
    return this.trash.list();
  }

  trashEmpty(): Promise<number> {
    return this.trash.empty();
  }
}

async function exists(host: string): Promise<boolean> {
  try {
    await lstat(host);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
