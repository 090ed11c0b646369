import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MigrationProgressPayload } from '@contracts/socket';
import type { DaemonEvent } from '../daemon';
import { checkLinkTarget, extractArchive, safeEntryName } from './archive-extract';
import { FsError } from './errors';
import { Jail } from './jail';
import { byteLimit, writeAtomically } from './write-file';

/**
 * Where a migration in writes (DESIGN §18): files, directories and links arriving from another host, each jailed to
 * the server's root with the rules of §8 — a name must be relative without `..`, a link's target must stay inside
 * the root, nothing is written through a link that leads out — and all of it within one byte budget.
 */
export interface FileReceiver {
  /** Creates a directory (and its parents). */
  directory(rel: string): Promise<void>;
  /** Writes one file atomically; counts its bytes against the budget (`too_large` once it is spent). */
  file(rel: string, data: Readable, mode?: number): Promise<number>;
  /** Creates (or replaces) a symbolic link; refused with `unsafe_archive` when it would lead outside the root. */
  symlink(rel: string, target: string): Promise<void>;
  /**
   * Receives a whole archive (tar, tar.gz, zip) into scratch space outside the root, `onBytes` called as it arrives,
   * then checks every entry and extracts it into the root; an unsafe archive is refused before anything is written.
   * `verify` sees the stored archive before extraction (checksums).
   */
  archive(data: Readable, onBytes: (received: number) => void, verify?: (file: string) => Promise<void>): Promise<{ files: number; bytes: number }>;
  /** Tells the server's subscribers how the migration is going (`migration progress` on the socket). */
  report(progress: MigrationProgressPayload): void;
  /** Bytes still allowed. */
  remaining(): number;
  /** Removes the scratch space. */
  close(): Promise<void>;
}

/** A FileReceiver on this host: `root` is the server's directory, `scratchDir` a directory outside it. */
export class LocalFileReceiver implements FileReceiver {
  private readonly jail: Jail;
  private budget: number;
  private scratch: string | null = null;

  constructor(root: string, private readonly scratchDir: string, maxBytes: number, private readonly publish: (event: DaemonEvent) => void) {
    this.jail = new Jail(root);
    this.budget = maxBytes;
  }

  report(progress: MigrationProgressPayload): void {
    this.publish({ type: 'migration progress', data: progress });
  }

  remaining(): number {
    return this.budget;
  }

  private async host(rel: string): Promise<string> {
    const name = safeEntryName(rel);
    if (name === '') throw new FsError('invalid_path', 'The server root itself cannot be replaced.');
    return this.jail.resolve(name, { followFinal: false });
  }

  async directory(rel: string): Promise<void> {
    if (safeEntryName(rel) === '') return;
    const host = await this.host(rel);
    const st = await lstat(host).catch(() => null);
    if (st?.isSymbolicLink() || (st && !st.isDirectory())) await unlink(host);
    await mkdir(host, { recursive: true });
  }

  async file(rel: string, data: Readable, mode = 0o644): Promise<number> {
    const host = await this.host(rel);
    await mkdir(path.dirname(host), { recursive: true });
    let written = 0;
    const counted = data.pipe(counter((n) => { written += n; }));
    data.once('error', (err) => counted.destroy(err));
    await writeAtomically(host, counted, this.budget);
    this.budget -= written;
    await chmod(host, mode & 0o777);
    return written;
  }

  async symlink(rel: string, target: string): Promise<void> {
    const name = safeEntryName(rel);
    checkLinkTarget('', name, target, false);
    const host = await this.host(rel);
    await mkdir(path.dirname(host), { recursive: true });
    const st = await lstat(host).catch(() => null);
    if (st?.isDirectory()) throw new FsError('exists', `A directory exists where the link "${name}" should go.`);
    if (st) await unlink(host);
    await symlink(target, host);
  }

  async archive(data: Readable, onBytes: (received: number) => void, verify?: (file: string) => Promise<void>): Promise<{ files: number; bytes: number }> {
    await mkdir(this.scratchDir, { recursive: true });
    this.scratch ??= await mkdtemp(path.join(this.scratchDir, 'receive-'));
    const file = path.join(this.scratch, `archive-${randomBytes(6).toString('hex')}`);
    let received = 0;
    const count = counter((n) => { received += n; onBytes(received); });
    await pipeline(data, count, byteLimit(this.budget, 'The archive'), createWriteStream(file, { flags: 'wx', mode: 0o600 }));
    await verify?.(file);
    const plan = await extractArchive(this.jail, file, '/', this.budget);
    await rm(file, { force: true });
    const files = plan.filter((e) => e.kind === 'file' || e.kind === 'hardlink').length;
    const bytes = plan.reduce((n, e) => n + (e.kind === 'file' ? e.size : 0), 0);
    this.budget -= bytes;
    return { files, bytes };
  }

  async close(): Promise<void> {
    if (this.scratch) await rm(this.scratch, { recursive: true, force: true });
    this.scratch = null;
  }
}

/** A pass-through that reports each chunk's size. */
function counter(onChunk: (bytes: number) => void): Transform {
  return new Transform({ transform(chunk: Buffer, _enc, done) { onChunk(chunk.length); done(null, chunk); } });
}
