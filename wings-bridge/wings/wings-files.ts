/**
 * A server's filesystem on a Wings node (DESIGN §8, §19): each operation is one call to Wings' `/files/*` routes;
 * Wings does the jailing on its side. Wings' answers are mapped to FsError codes so the panel's transports answer
 * as they do for LocalFilesystem. Wings deletes for good: it has no trash, so the trash operations refuse clearly.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DaemonUnavailableError } from '../daemon';
import { FsError } from '../files/errors';
import type { ArchiveFormat, FileEntry, ServerFilesystem, TrashEntry } from '../files/types';
import { type NodeClient, WingsHttpError } from './node-client';
import { PANEL_USER_UUID, signTransferToken } from './wings-jwt';

interface WingsStat {
  name: string; created: string; modified: string; mode: string; mode_bits: string; size: number;
  directory: boolean; file: boolean; symlink: boolean; mime: string;
}

const entryOf = (s: WingsStat): FileEntry => ({
  name: s.name, mode: s.mode, modeBits: s.mode_bits, size: s.size, isFile: s.file, isSymlink: s.symlink,
  mimetype: s.mime, createdAt: new Date(s.created), modifiedAt: new Date(s.modified),
});

/** Wings' refusal as an FsError (the transport then answers 400/404/409/413); its 5xx as a 502. */
export function fsErrorOf(err: unknown, shown: string): unknown {
  if (!(err instanceof WingsHttpError)) return err;
  const m = err.message;
  if (err.status === 404) return new FsError('not_found', `The file or directory ${shown} does not exist.`, shown);
  if (err.status === 413) return new FsError('too_large', m, shown);
  if (err.status >= 500 || err.status === 401 || err.status === 403) {
    return new DaemonUnavailableError(502, `The game server's node refused the file operation (${err.status}${m ? `: ${m}` : ''}).`);
  }
  if (/exists/i.test(m)) return new FsError('exists', `${shown} already exists.`, shown);
  if (/outside|root|symlink/i.test(m)) return new FsError('outside_root', m, shown);
  if (/is a directory/i.test(m)) return new FsError('is_directory', `${shown} is a directory.`, shown);
  if (/not a directory/i.test(m)) return new FsError('not_a_directory', `${shown} is not a directory.`, shown);
  return new FsError('unsupported', m || `The node refused the operation on ${shown}.`, shown);
}

const enc = encodeURIComponent;
const noTrash = () => new FsError('unsupported', 'Servers on Wings nodes have no trash: Wings deletes files for good.');

export class WingsFilesystem implements ServerFilesystem {
  constructor(private readonly client: NodeClient, private readonly uuid: string, private readonly maxUploadBytes: number) {}

  private base(p: string) { return `/api/servers/${this.uuid}/files${p}`; }

  private async run<T>(shown: string, fn: () => Promise<T>): Promise<T> {
    try { return await fn(); } catch (err) { throw fsErrorOf(err, shown); }
  }

  async list(dir: string): Promise<FileEntry[]> {
    return this.run(dir, async () => (await this.client.json<WingsStat[]>('GET', this.base(`/list-directory?directory=${enc(dir)}`))).map(entryOf));
  }

  async stat(file: string): Promise<FileEntry> {
    const found = (await this.list(path.posix.dirname(`/${file}`))).find((e) => e.name === path.posix.basename(`/${file}`));
    if (!found) throw new FsError('not_found', `The file or directory ${file} does not exist.`, file);
    return found;
  }

  /**
   * Wings has no realpath call: the path is walked component by component, and a path through a symbolic link is
   * refused (its target cannot be judged against a path scope, DESIGN §20). A path that does not exist yet is itself.
   */
  async realPath(file: string): Promise<string> {
    const parts = path.posix.normalize(`/${file}`).split('/').filter(Boolean);
    let at = '';
    for (const part of parts) {
      at = `${at}/${part}`;
      let entry: FileEntry;
      try {
        entry = await this.stat(at);
      } catch (err) {
        if (err instanceof FsError && err.code === 'not_found') return path.posix.normalize(`/${file}`);
        throw err;
      }
      if (entry.isSymlink) throw new FsError('outside_root', 'A path through a symbolic link cannot be checked against a path scope on a Wings node.', at);
    }
    return at || '/';
  }

  async read(file: string): Promise<Buffer> {
    return this.run(file, async () => {
      const res = await this.client.stream(this.base(`/contents?file=${enc(file)}`));
      const chunks: Buffer[] = [];
      for await (const c of res.body) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    });
  }

  async openRead(file: string): Promise<{ stream: Readable; size: number; name: string }> {
    return this.run(file, async () => {
      // Downloads go through Wings' signed route: a JWT with `file_path`, single-use `unique_id`, scope.
      const token = await signTransferToken(this.client.node.token, { scope: 'file.download', serverUuid: this.uuid, userUuid: PANEL_USER_UUID, filePath: file, now: new Date() });
      const res = await this.client.stream(`/download/file?token=${enc(token)}`);
      return { stream: res.body, size: Number(res.headers['content-length'] ?? 0), name: path.posix.basename(file) };
    });
  }

  async write(file: string, data: Readable | Buffer): Promise<FileEntry> {
    const body = Buffer.isBuffer(data) ? data : await collect(data, this.maxUploadBytes, file);
    if (body.length > this.maxUploadBytes) throw new FsError('too_large', `${file} is larger than the upload limit.`, file);
    await this.run(file, () => this.client.raw('POST', this.base(`/write?file=${enc(file)}`), body));
    return this.stat(file);
  }

  async createDirectory(root: string, name: string): Promise<void> {
    await this.run(name, () => this.client.json('POST', this.base('/create-directory'), { name, path: root }));
  }

  async rename(root: string, from: string, to: string): Promise<void> {
    await this.run(to, () => this.client.json('PUT', this.base('/rename'), { root, files: [{ from, to }] }));
  }

  async copy(location: string): Promise<string> {
    const dir = path.posix.dirname(`/${location}`);
    const before = new Set((await this.list(dir)).map((e) => e.name));
    await this.run(location, () => this.client.json('POST', this.base('/copy'), { location }));
    const made = (await this.list(dir)).find((e) => !before.has(e.name));
    return made ? path.posix.join(dir, made.name) : location;
  }

  async delete(root: string, files: readonly string[]): Promise<TrashEntry[]> {
    await this.run(files.join(', '), () => this.client.json('POST', this.base('/delete'), { root, files }));
    return [];
  }

  async compress(root: string, files: readonly string[], format: ArchiveFormat, name?: string): Promise<FileEntry> {
    if (format !== 'tar.gz' || name) throw new FsError('unsupported', 'Wings nodes make .tar.gz archives with a name of their own.');
    return this.run(root, async () => entryOf(await this.client.json<WingsStat>('POST', this.base('/compress'), { root, files })));
  }

  async decompress(root: string, file: string): Promise<void> {
    await this.run(file, () => this.client.json('POST', this.base('/decompress'), { root, file }));
  }

  async chmod(file: string, mode: number): Promise<void> {
    const full = `/${file}`.replace(/\/+/g, '/');
    await this.run(file, () => this.client.json('POST', this.base('/chmod'), { root: path.posix.dirname(full), files: [{ file: path.posix.basename(full), mode: mode.toString(8) }] }));
  }

  trashList(): Promise<TrashEntry[]> { return Promise.reject(noTrash()); }
  trashEmpty(): Promise<number> { return Promise.reject(noTrash()); }
}

async function collect(stream: Readable, max: number, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream) {
    size += (c as Buffer).length;
    if (size > max) { stream.destroy(); throw new FsError('too_large', `${file} is larger than the upload limit.`, file); }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}
