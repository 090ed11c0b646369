import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, readdir, readlink, rename, rmdir, stat, symlink, truncate, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { FileScope } from '@contracts/file-scope';
import { compile, type CompiledPermissions, type Permission } from '@contracts/permissions';
import { FsError } from '@bridge/files/errors';
import { clampVirtual } from '@bridge/files/jail';
import type { LocalFilesystem } from '@bridge/files/local-filesystem';
import { attrsOf, entryOf } from './attrs';
import { gateReceiveWindow, LIMITS_EXTENSION, MAX_IO_BYTES, offerLimits, replyLimits } from './limits';
import type { SftpActivitySink } from './types';
// ssh2 is CommonJS: its named exports are not visible to Node's ESM loader (tsx), so take them off the default.
import ssh2 from 'ssh2';
import type { Attributes, SFTPWrapper } from 'ssh2';

const { utils } = ssh2;

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

interface PendingWrite { readonly id: number; readonly offset: number; readonly data: Buffer }
interface WriteRange { readonly start: number; readonly end: number; done: Promise<void> }
interface FileHandleState {
  kind: 'file'; fh: FileHandle; path: string; write: Permission | null; wrote: boolean;
  /** WRITE requests gathered during this turn of the event loop (see SftpSession.queueWrite). */
  gathered: PendingWrite[];
  /** Writes issued and not yet answered, by byte range; READ, FSTAT, FSETSTAT and CLOSE wait for them. */
  inFlight: Set<WriteRange>;
}
type Handle = FileHandleState | { kind: 'dir'; host: string; path: string; done: boolean };

/** Default cap on WRITE bytes received but not yet written, per session (SFTP_MAX_PENDING_WRITE_BYTES). */
export const DEFAULT_MAX_PENDING_WRITE_BYTES = 16 * 1024 * 1024;

/** At most this many buffers in one `writev` (IOV_MAX on Linux). */
const MAX_WRITE_BATCH_BUFFERS = 1024;

class Denied extends Error {}

/** What a session holds: its keys and its path scope (DESIGN §20; null = the whole tree). */
export interface SessionGrants {
  readonly permissions: CompiledPermissions;
  readonly scope: FileScope | null;
}

type ScopeKind = 'path' | 'tree' | 'list';

export interface SessionIdentity {
  readonly userUuid: string;
  readonly serverUuid: string;
  readonly ip: string;
  readonly login: string;
}

/**
 * One SFTP channel: every request is normalised as a chroot would (`..` clamped at `/`), jailed by the server's
 * LocalFilesystem, and checked against the keys the session holds at the moment it runs (DESIGN §8). The holder
 * (SftpServer) replaces `permissions` when the revocation bus says they changed.
 */
export class SftpSession {
  permissions: CompiledPermissions;
  /** The path scope, judged by the same FileScope as the file routes; replaced with `permissions` on revocation. */
  scope: FileScope | null = null;
  private readonly ready: Promise<CompiledPermissions>;
  private readonly handles = new Map<string, Handle>();
  private counter = 0;
  /** WRITE data received and not yet answered; above `maxPendingWriteBytes` the receive window stays shut. */
  private pendingWriteBytes = 0;
  private gate: { release(): void } | null = null;

  constructor(
    private readonly sftp: SFTPWrapper,
    private readonly fs: LocalFilesystem,
    private readonly who: SessionIdentity,
    private readonly activity: SftpActivitySink,
    /** The session's keys and scope, read when the channel opened; requests wait for them (they may arrive first). */
    grants: Promise<SessionGrants>,
    /** Batches the connection's outgoing packets until the end of this loop phase (SftpServer's replyCorker). */
    private readonly cork: () => void = () => undefined,
    private readonly maxPendingWriteBytes = DEFAULT_MAX_PENDING_WRITE_BYTES,
  ) {
    this.permissions = compile([]);
    this.ready = grants.then((g) => { this.permissions = g.permissions; this.scope = g.scope; return g.permissions; });
    this.ready.catch(() => undefined);
    this.attach();
  }

  /** Closes every open file (the channel is gone or the session was revoked). */
  async dispose(): Promise<void> {
    const open = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(open.map((h) => (h.kind === 'file' ? h.fh.close().catch(() => undefined) : undefined)));
  }

  private need(key: Permission, action: string, file: string): void {
    if (this.permissions.has(key)) return;
    this.activity.operation({ event: 'server:sftp.denied', userUuid: this.who.userUuid, serverUuid: this.who.serverUuid, ip: this.who.ip, file: `${action} ${file}` });
    throw new Denied(`${key} is required to ${action}.`);
  }

  private denyScope(action: string, file: string): never {
    this.activity.operation({ event: 'server:sftp.denied', userUuid: this.who.userUuid, serverUuid: this.who.serverUuid, ip: this.who.ip, file: `${action} ${file}` });
    throw new Denied(`${file} is outside the paths you may use on this server.`);
  }

  private static judge(scope: FileScope, kind: ScopeKind, v: string): boolean {
    return kind === 'list' ? scope.reveals(v) : kind === 'tree' ? scope.coversTree(v) : scope.allows(v);
  }

  /** An open handle's path, judged again at each use (a revocation may have narrowed the scope). */
  private withinNamed(kind: ScopeKind, action: string, v: string): void {
    if (this.scope && !SftpSession.judge(this.scope, kind, v)) this.denyScope(action, v);
  }

  /**
   * The path scope (DESIGN §20), as the file routes judge it (server/services/files/file-scope-guard.ts): the path
   * as named and as its symlinks resolve inside the root must both be inside the scope.
   */
  private async within(kind: ScopeKind, action: string, v: string): Promise<void> {
    const scope = this.scope;
    if (!scope) return;
    if (!SftpSession.judge(scope, kind, v)) this.denyScope(action, v);
    const host = await this.host(v, true).catch(() => null);
    const real = host === null ? null : await this.fs.jail.virtualOf(host);
    if (real !== null && !SftpSession.judge(scope, kind, real)) this.denyScope(action, v);
  }

  private async isDirectory(v: string): Promise<boolean> {
    return lstat(await this.host(v, false)).then((st) => st.isDirectory(), () => false);
  }

  private record(event: string, file: string | { from: string; to: string }): void {
    this.activity.operation({ event, userUuid: this.who.userUuid, serverUuid: this.who.serverUuid, ip: this.who.ip, file });
  }

  private run(reqId: number, work: () => Promise<void>): void {
    this.ready.then(work).catch((err: unknown) => this.sftp.status(reqId, statusOf(err), err instanceof Error ? err.message : 'failure'));
  }

  private handleOf(buf: Buffer): Handle {
    const h = this.handles.get(buf.toString('hex'));
    if (!h) throw new FsError('not_found', 'invalid handle');
    return h;
  }

  private newHandle(h: Handle): Buffer {
    const buf = Buffer.alloc(4);
    buf.writeUInt32BE(this.counter++ >>> 0);
    this.handles.set(buf.toString('hex'), h);
    return buf;
  }

  private host(p: string, followFinal = true): Promise<string> {
    return this.fs.jail.resolve(clampVirtual(p), { followFinal });
  }

  private attach(): void {
    const s = this.sftp;
    this.gate = gateReceiveWindow(s, () => this.pendingWriteBytes >= this.maxPendingWriteBytes);
    offerLimits(s);
    s.on('REALPATH', (id: number, p: string) => this.run(id, async () => {
      const v = clampVirtual(p);
      s.name(id, [{ filename: v, longname: v, attrs: {} as Attributes }]);
    }));
    s.on('STAT', (id: number, p: string) => this.run(id, async () => this.statReply(id, p, true)));
    s.on('LSTAT', (id: number, p: string) => this.run(id, async () => this.statReply(id, p, false)));
    s.on('FSTAT', (id: number, hb: Buffer) => this.run(id, async () => {
      const h = this.handleOf(hb);
      this.need('file.read', 'stat', h.path);
      if (h.kind === 'file') await this.settleWrites(h);
      s.attrs(id, attrsOf(h.kind === 'file' ? await h.fh.stat() : await lstat(h.host)));
    }));
    s.on('OPENDIR', (id: number, p: string) => this.run(id, async () => {
      const v = clampVirtual(p);
      this.need('file.read', 'list', v);
      await this.within('list', 'list', v);
      const host = await this.host(v);
      if (!(await stat(host)).isDirectory()) throw new FsError('not_a_directory', `${v} is not a directory.`);
      s.handle(id, this.newHandle({ kind: 'dir', host, path: v, done: false }));
    }));
    s.on('READDIR', (id: number, hb: Buffer) => this.run(id, async () => this.readdirReply(id, hb)));
    s.on('OPEN', (id: number, p: string, flags: number, attrs: Attributes) => this.run(id, async () => this.openReply(id, p, flags, attrs)));
    s.on('READ', (id: number, hb: Buffer, offset: number, length: number) => this.run(id, async () => {
      const h = this.handleOf(hb);
      if (h.kind !== 'file') throw new FsError('is_directory', 'not a file handle');
      this.need('file.read-content', 'read', h.path);
      this.withinNamed('path', 'read', h.path);
      if (h.gathered.length || h.inFlight.size) await this.settleWrites(h);
      const buf = Buffer.alloc(Math.min(length, MAX_IO_BYTES));
      const { bytesRead } = await h.fh.read(buf, 0, buf.length, offset);
      if (bytesRead === 0) s.status(id, STATUS_CODE.EOF);
      else s.data(id, buf.subarray(0, bytesRead));
    }));
    s.on('WRITE', (id: number, hb: Buffer, offset: number, data: Buffer) => {
      this.pendingWriteBytes += data.length;
      this.run(id, async () => {
        try {
          const h = this.handleOf(hb);
          if (h.kind !== 'file' || !h.write) throw new Denied('This handle was not opened for writing.');
          this.need(h.write, 'write', h.path);
          this.withinNamed('path', 'write', h.path);
          this.queueWrite(h, { id, offset, data });
        } catch (err) {
          this.answered(data.length);
          throw err;
        }
      });
    });
    s.on('CLOSE', (id: number, hb: Buffer) => this.run(id, async () => {
      const h = this.handleOf(hb);
      this.handles.delete(hb.toString('hex'));
      if (h.kind === 'file') {
        await this.settleWrites(h);
        await h.fh.close();
        if (h.wrote) this.record('server:sftp.write', h.path);
      }
      s.status(id, STATUS_CODE.OK);
    }));
    s.on('FSETSTAT', (id: number, hb: Buffer, attrs: Attributes) => this.run(id, async () => {
      const h = this.handleOf(hb);
      this.need('file.update', 'change attributes of', h.path);
      this.withinNamed(h.kind === 'file' ? 'path' : 'list', 'change attributes of', h.path);
      if (h.kind === 'file') await this.settleWrites(h);
      await this.applyAttrs(h.kind === 'file' ? await this.host(h.path) : h.host, attrs);
      s.status(id, STATUS_CODE.OK);
    }));
    s.on('SETSTAT', (id: number, p: string, attrs: Attributes) => this.run(id, async () => {
      const v = clampVirtual(p);
      this.need('file.update', 'change attributes of', v);
      await this.within('path', 'change attributes of', v);
      await this.applyAttrs(await this.host(v), attrs);
      s.status(id, STATUS_CODE.OK);
    }));
    s.on('MKDIR', (id: number, p: string) => this.run(id, async () => {
      const v = clampVirtual(p);
      this.need('file.create', 'create a directory', v);
      await this.within('path', 'create a directory', v);
      await mkdir(await this.host(v, false));
      this.record('server:sftp.create-directory', v);
      s.status(id, STATUS_CODE.OK);
    }));
    s.on('RMDIR', (id: number, p: string) => this.run(id, async () => {
      const v = clampVirtual(p);
      this.need('file.delete', 'delete', v);
      if (v === '/') throw new Denied('The server root cannot be removed.');
      await this.within('path', 'delete', v);
      await rmdir(await this.host(v, false));
      this.record('server:sftp.delete', v);
      s.status(id, STATUS_CODE.OK);
    }));
    s.on('REMOVE', (id: number, p: string) => this.run(id, async () => {
      const v = clampVirtual(p);
      this.need('file.delete', 'delete', v);
      await this.within('path', 'delete', v);
      const host = await this.host(v, false);
      if ((await lstat(host)).isDirectory()) throw new FsError('is_directory', `${v} is a directory.`);
      await this.fs.trash.put(host, v);
      this.record('server:sftp.delete', v);
      s.status(id, STATUS_CODE.OK);
    }));
    s.on('RENAME', (id: number, from: string, to: string) => this.run(id, async () => {
      const vf = clampVirtual(from);
      const vt = clampVirtual(to);
      this.need('file.update', 'rename', vf);
      if (vf === '/' || vt === '/') throw new Denied('The server root cannot be renamed.');
      // A directory moves its whole tree: both trees must be in scope; a file needs both paths.
      const kind: ScopeKind = (await this.isDirectory(vf)) ? 'tree' : 'path';
      await this.within(kind, 'rename', vf);
      await this.within(kind, 'rename', vt);
      const src = await this.host(vf, false);
      const dst = await this.host(vt, false);
      await lstat(src);
      if (await exists(dst)) throw new FsError('exists', `${vt} already exists.`);
      await rename(src, dst);
      this.record('server:sftp.rename', { from: vf, to: vt });
      s.status(id, STATUS_CODE.OK);
    }));
    s.on('READLINK', (id: number, p: string) => this.run(id, async () => {
      const v = clampVirtual(p);
      this.need('file.read', 'read a link', v);
      await this.within('path', 'read a link', v);
      const host = await this.host(v, false);
      const target = path.resolve(path.dirname(host), await readlink(host));
      const virtual = await this.fs.jail.virtualOf(target);
      if (virtual === null) throw new FsError('outside_root', 'The link leads outside the server.');
      s.name(id, [{ filename: virtual, longname: virtual, attrs: {} as Attributes }]);
    }));
    s.on('SYMLINK', (id: number, linkPath: string, targetPath: string) => this.run(id, async () => {
      const link = clampVirtual(linkPath);
      this.need('file.create', 'create a link', link);
      // The link and what it names must both be in scope, so a link cannot open a way out of it.
      await this.within('path', 'create a link', link);
      await this.within('path', 'create a link to', clampVirtual(targetPath, path.posix.dirname(link)));
      const linkHost = await this.host(link, false);
      // The target is read as a path inside the server (relative to the link's directory) and stored relative,
      // so the link can only ever point inside the root.
      const targetHost = await this.host(clampVirtual(targetPath, path.posix.dirname(link)), false);
      await symlink(path.relative(path.dirname(linkHost), targetHost) || '.', linkHost);
      this.record('server:sftp.create', link);
      s.status(id, STATUS_CODE.OK);
    }));
    s.on('EXTENDED', (id: number, name: string) => {
      if (name !== LIMITS_EXTENSION || !replyLimits(s, id)) s.status(id, STATUS_CODE.OP_UNSUPPORTED);
    });
  }

  private async statReply(id: number, p: string, follow: boolean): Promise<void> {
    const v = clampVirtual(p);
    this.need('file.read', 'stat', v);
    await this.within('list', 'stat', v);
    const host = await this.host(v, follow);
    this.sftp.attrs(id, attrsOf(follow ? await stat(host) : await lstat(host)));
  }

  private async readdirReply(id: number, hb: Buffer): Promise<void> {
    const h = this.handleOf(hb);
    if (h.kind !== 'dir') throw new FsError('not_a_directory', 'not a directory handle');
    this.need('file.read', 'list', h.path);
    if (h.done) { this.sftp.status(id, STATUS_CODE.EOF); return; }
    h.done = true;
    const names = await readdir(h.host);
    const entries = [];
    // Outside a path scope only the entries leading into it are shown (DESIGN §20).
    const scope = this.scope;
    const shown = scope ? names.filter((n) => scope.reveals(path.posix.join(h.path, n))) : names;
    for (const name of ['.', '..', ...shown]) {
      try {
        entries.push(entryOf(name, await lstat(path.join(h.host, name)), this.who.login));
      } catch {
        // vanished meanwhile
      }
    }
    this.sftp.name(id, entries);
  }

  private async openReply(id: number, p: string, flags: number, attrs: Attributes): Promise<void> {
    const v = clampVirtual(p);
    const reading = (flags & OPEN_MODE.READ) !== 0;
    const writing = (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND)) !== 0;
    if (reading) this.need('file.read-content', 'read', v);
    await this.within('path', 'open', v);
    const host = await this.host(v);
    const existed = await exists(host);
    let write: Permission | null = null;
    if (writing) {
      write = existed ? 'file.update' : 'file.create';
      if (!existed && !(flags & OPEN_MODE.CREAT)) throw new FsError('not_found', `${v} does not exist.`);
      this.need(write, existed ? 'overwrite' : 'create', v);
    }
    if (v === '/') throw new FsError('is_directory', 'The root is a directory.');
    let mode = reading && writing ? constants.O_RDWR : writing ? constants.O_WRONLY : constants.O_RDONLY;
    if (flags & OPEN_MODE.APPEND) mode |= constants.O_APPEND;
    if (flags & OPEN_MODE.CREAT) mode |= constants.O_CREAT;
    if (flags & OPEN_MODE.TRUNC) mode |= constants.O_TRUNC;
    if (flags & OPEN_MODE.EXCL) mode |= constants.O_EXCL;
    const perm = typeof attrs?.mode === 'number' ? attrs.mode & 0o777 : 0o644;
    const fh = await open(host, mode | constants.O_NOFOLLOW, perm);
    if ((await fh.stat()).isDirectory()) { await fh.close(); throw new FsError('is_directory', `${v} is a directory.`); }
    if (writing && !existed) this.record('server:sftp.create', v);
    this.sftp.handle(id, this.newHandle({ kind: 'file', fh, path: v, write, wrote: false, gathered: [], inFlight: new Set() }));
  }

  /**
   * WRITEs are gathered until the end of the event loop's current I/O phase, then each run of contiguous ones is
   * one `writev`. A client such as `fastPut` keeps 64 writes of 32 KiB in flight: one thread-pool trip per request
   * was the largest cost of an upload (docs/performance.md). Runs are written concurrently, except that a run waits
   * for any earlier write it overlaps, so overlapping writes land in the order received. Each request is answered
   * only once its bytes are written, and the permission is judged again when the gathered requests are written, so a
   * revocation stops those too.
   */
  private queueWrite(h: FileHandleState, request: PendingWrite): void {
    h.gathered.push(request);
    if (h.gathered.length === 1) setImmediate(() => this.flushWrites(h));
  }

  private flushWrites(h: FileHandleState): void {
    const requests = h.gathered;
    h.gathered = [];
    try {
      // Judged again: a revocation that arrived while these waited stops them (and is recorded once, as at arrival).
      this.need(h.write ?? 'file.update', 'write', h.path);
    } catch (err) {
      this.cork();
      for (const r of requests) {
        this.sftp.status(r.id, STATUS_CODE.PERMISSION_DENIED, (err as Error).message);
        this.answered(r.data.length);
      }
      return;
    }
    for (let i = 0; i < requests.length;) {
      const start = (requests[i] as PendingWrite).offset;
      let end = start;
      let j = i;
      while (j < requests.length && j - i < MAX_WRITE_BATCH_BUFFERS && (requests[j] as PendingWrite).offset === end) {
        end += (requests[j] as PendingWrite).data.length;
        j++;
      }
      const before = [...h.inFlight].filter((w) => w.start < end && start < w.end).map((w) => w.done);
      const run = requests.slice(i, j);
      const range: WriteRange = { start, end, done: Promise.resolve() };
      range.done = (before.length ? Promise.all(before) : Promise.resolve())
        .then(() => this.writeRun(h, run))
        .catch(() => undefined)
        .finally(() => { h.inFlight.delete(range); });
      h.inFlight.add(range);
      i = j;
    }
  }

  private async writeRun(h: FileHandleState, run: PendingWrite[]): Promise<void> {
    const first = run[0] as PendingWrite;
    let written = 0;
    try {
      written = (await h.fh.writev(run.map((r) => r.data), first.offset)).bytesWritten;
    } catch {
      // Retried below one request at a time, so each gets its own answer.
    }
    this.cork();
    for (const r of run) {
      const done = written - (r.offset - first.offset);
      try {
        // A short or failed run: the rest of each request is written on its own.
        if (done < r.data.length) await writeFully(h.fh, r.data, Math.max(0, done), r.offset);
        h.wrote = true;
        this.sftp.status(r.id, STATUS_CODE.OK);
      } catch (err) {
        this.sftp.status(r.id, statusOf(err), err instanceof Error ? err.message : 'failure');
      }
      this.answered(r.data.length);
    }
  }

  /** A WRITE's bytes are no longer held: reopen the receive window once the backlog is under the limit. */
  private answered(bytes: number): void {
    this.pendingWriteBytes -= bytes;
    this.gate?.release();
  }

  /** Until every WRITE received on the handle so far has been written and answered. */
  private async settleWrites(h: FileHandleState): Promise<void> {
    while (h.gathered.length || h.inFlight.size) {
      if (h.gathered.length) await new Promise((r) => setImmediate(r));
      else await Promise.all([...h.inFlight].map((w) => w.done));
    }
  }

  private async applyAttrs(host: string, attrs: Attributes): Promise<void> {
    if (typeof attrs.mode === 'number') await chmod(host, attrs.mode & 0o777);
    if (typeof attrs.size === 'number') {
      if ((await lstat(host)).isFile()) await truncate(host, attrs.size);
    }
    if (typeof attrs.atime === 'number' && typeof attrs.mtime === 'number') await utimes(host, attrs.atime, attrs.mtime);
  }
}

async function exists(host: string): Promise<boolean> {
  try {
    await lstat(host);
    return true;
  } catch {
    return false;
  }
}

async function writeFully(fh: FileHandle, data: Buffer, from: number, offset: number): Promise<void> {
  for (let at = from; at < data.length;) {
    const { bytesWritten } = await fh.write(data, at, data.length - at, offset + at);
    if (bytesWritten === 0) throw new Error('short write');
    at += bytesWritten;
  }
}

function statusOf(err: unknown): number {
  if (err instanceof Denied) return STATUS_CODE.PERMISSION_DENIED;
  if (err instanceof FsError) {
    if (err.code === 'not_found') return STATUS_CODE.NO_SUCH_FILE;
    if (err.code === 'outside_root' || err.code === 'invalid_path') return STATUS_CODE.PERMISSION_DENIED;
    return STATUS_CODE.FAILURE;
  }
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return STATUS_CODE.NO_SUCH_FILE;
  if (code === 'EACCES' || code === 'EPERM' || code === 'ELOOP') return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}
