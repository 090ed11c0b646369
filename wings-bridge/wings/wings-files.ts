/**
 * A server's filesystem on a Wings node (DESIGN §8, §19): each operation is one call to Wings' `/files/*` routes;
 * Wings does the jailing on its side. Wings' answers are mapped to FsError codes so the panel's transports answer
 * as they do for LocalFilesystem. Wings deletes for good: it has no trash, so the trash operations refuse clearly.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DaemonUnavailableError } from '../daemon';
import { FsError } from '../files/errors';
import { segmentsOf } from '../files/jail';
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

export interface WingsFileLimits {
  readonly maxUploadBytes: number;
  /** The most `read` returns (FILE_MAX_READ_BYTES): the node serves any size, the panel stops there. */
  readonly maxReadBytes?: number;
}

export class WingsFilesystem implements ServerFilesystem {
  constructor(private readonly client: NodeClient, private readonly uuid: string, private readonly limits: WingsFileLimits) {}

  private base(p: string) { return `/api/servers/${this.uuid}/files${p}`; }

  /**
   * Every path is judged here before anything reaches the node, by the same rules as LocalFilesystem: a NUL byte,
   * a `..` segment or an over-long name is refused (422), never sent for the node to clean up.
   */
  private async run<T>(shown: string, paths: readonly string[], fn: () => Promise<T>): Promise<T> {
    for (const p of paths) segmentsOf(p);
    try { return await fn(); } catch (err) { throw fsErrorOf(err, shown); }
  }

  async list(dir: string): Promise<FileEntry[]> {
    return this.run(dir, [dir], async () => (await this.client.json<WingsStat[]>('GET', this.base(`/list-directory?directory=${enc(dir)}`))).map(entryOf));
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
    segmentsOf(file);
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
    return this.run(file, [file], async () => {
      const res = await this.client.stream(this.base(`/contents?file=${enc(file)}`));
      const max = this.limits.maxReadBytes ?? Infinity;
      const tooLarge = () => { res.body.destroy(); return new FsError('too_large', `${file} is larger than the ${max} bytes that can be read at once.`, file); };
      if (Number(res.headers['content-length'] ?? 0) > max) throw tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of res.body) {
        size += (c as Buffer).length;
        if (size > max) throw tooLarge();
        chunks.push(c as Buffer);
      }
      return Buffer.concat(chunks);
    });
  }

  async openRead(file: string): Promise<{ stream: Readable; size: number; name: string }> {
    return this.run(file, [file], async () => {
      // Downloads go through Wings' signed route: a JWT with `file_path`, single-use `unique_id`, scope.
      const token = await signTransferToken(this.client.node.token, { scope: 'file.download', serverUuid: this.uuid, userUuid: PANEL_USER_UUID, filePath: file, now: new Date() });
      const res = await this.client.stream(`/download/file?token=${enc(token)}`);
      return { stream: res.body, size: Number(res.headers['content-length'] ?? 0), name: path.posix.basename(file) };
    });
  }

  async write(file: string, data: Readable | Buffer): Promise<FileEntry> {
    segmentsOf(file);
    const body = Buffer.isBuffer(data) ? data : await collect(data, this.limits.maxUploadBytes, file);
    if (body.length > this.limits.maxUploadBytes) throw new FsError('too_large', `${file} is larger than the upload limit.`, file);
    await this.run(file, [file], () => this.client.raw('POST', this.base(`/write?file=${enc(file)}`), body));
    return this.stat(file);
  }

  /**
   * Uploads through Wings' own route, as a browser does with Pterodactyl: `POST /upload/file?token=…&directory=…`,
   * multipart `files` fields, the token a single-use JWT (`server_uuid`, `user_uuid`, `unique_id`, scope
   * `file.upload`) signed with the node token. Each body is held to the panel's upload limit first.
   */
  async upload(directory: string, files: readonly { readonly name: string; readonly body: Readable | Buffer }[]): Promise<FileEntry[]> {
    segmentsOf(directory);
    const dir = path.posix.join('/', directory);
    const boundary = `cohost-${randomUUID()}`;
    const parts: Buffer[] = [];
    for (const f of files) {
      if (f.name.includes('/') || f.name.includes('"') || f.name.includes('\r') || f.name.includes('\n')) throw new FsError('invalid_path', 'The file name is not valid.', f.name);
      const full = path.posix.join(dir, f.name);
      segmentsOf(full);
      const data = Buffer.isBuffer(f.body) ? f.body : await collect(f.body, this.limits.maxUploadBytes, full);
      if (data.length > this.limits.maxUploadBytes) throw new FsError('too_large', `${full} is larger than the upload limit.`, full);
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), data, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const token = await signTransferToken(this.client.node.token, { scope: 'file.upload', serverUuid: this.uuid, userUuid: PANEL_USER_UUID, now: new Date() });
    await this.run(dir, [dir], () => this.client.raw('POST', `/upload/file?token=${enc(token)}&directory=${enc(dir)}`, Buffer.concat(parts), `multipart/form-data; boundary=${boundary}`));
    const listed = await this.list(dir);
    return files.map((f) => {
      const found = listed.find((e) => e.name === f.name);
      if (!found) throw new FsError('not_found', `The node did not keep ${path.posix.join(dir, f.name)}.`, f.name);
      return found;
    });
  }

  async createDirectory(root: string, name: string): Promise<void> {
    // Wings makes the directory with MkdirAll and answers 204 when it exists; the panel answers 409 as for local files.
    segmentsOf(root);
    segmentsOf(name);
    const full = path.posix.join('/', root, name);
    const existing = await this.list(path.posix.dirname(full)).catch((err: unknown) => {
      if (err instanceof FsError && err.code === 'not_found') return [];
      throw err;
    });
    if (existing.some((e) => e.name === path.posix.basename(full))) throw new FsError('exists', `${full} already exists.`, full);
    await this.run(name, [root, name], () => this.client.json('POST', this.base('/create-directory'), { name, path: root }));
  }

  async rename(root: string, from: string, to: string): Promise<void> {
    await this.run(to, [root, from, to], () => this.client.json('PUT', this.base('/rename'), { root, files: [{ from, to }] }));
  }

  async copy(location: string): Promise<string> {
    segmentsOf(location);
    const dir = path.posix.dirname(`/${location}`);
    const before = new Set((await this.list(dir)).map((e) => e.name));
    await this.run(location, [location], () => this.client.json('POST', this.base('/copy'), { location }));
    const made = (await this.list(dir)).find((e) => !before.has(e.name));
    return made ? path.posix.join(dir, made.name) : location;
  }

  async delete(root: string, files: readonly string[]): Promise<TrashEntry[]> {
    await this.run(files.join(', '), [root, ...files], () => this.client.json('POST', this.base('/delete'), { root, files }));
    return [];
  }

  async compress(root: string, files: readonly string[], format: ArchiveFormat, name?: string): Promise<FileEntry> {
    if (format !== 'tar.gz' || name) throw new FsError('unsupported', 'Wings nodes make .tar.gz archives with a name of their own.');
    return this.run(root, [root, ...files], async () => entryOf(await this.client.json<WingsStat>('POST', this.base('/compress'), { root, files })));
  }

  async decompress(root: string, file: string): Promise<void> {
    try {
      await this.run(file, [root, file], () => this.client.json('POST', this.base('/decompress'), { root, file }));
    } catch (err) {
      // The node refused an entry or link leading out of the root: the archive is unsafe, as LocalFilesystem says.
      if (err instanceof FsError && err.code === 'outside_root') throw new FsError('unsafe_archive', `The archive was refused: an entry or link in it points outside the server (${err.message}).`, file);
      throw err;
    }
  }

  async chmod(file: string, mode: number): Promise<void> {
    const full = `/${file}`.replace(/\/+/g, '/');
    await this.run(file, [file], () => this.client.json('POST', this.base('/chmod'), { root: path.posix.dirname(full), files: [{ file: path.posix.basename(full), mode: mode.toString(8) }] }));
  }

  trashList(): Promise<TrashEntry[]> { return Promise.reject(noTrash()); }
  trashEmpty(): Promise<number> { return Promise.reject(noTrash()); }
}

/**
 * Reads an upload into memory up to `max` bytes. Past the limit the rest is read and dropped rather than the
 * stream destroyed, so the client still gets its 413 instead of a reset connection — up to a point: a body far past
 * the limit (twice it plus 1 MiB) is cut off.
 */
function collect(stream: Readable, max: number, file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => new FsError('too_large', `${file} is larger than the upload limit.`, file);
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) chunks.push(c);
      else if (size > max * 2 + 1024 * 1024) { stream.destroy(); reject(tooLarge()); }
    });
    stream.once('error', reject);
    stream.once('end', () => {
      if (size > max) reject(tooLarge());
      else resolve(Buffer.concat(chunks));
    });
  });
}
