import { lstat, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BackupRequest, BackupResult } from '../daemon';
import { FsError } from '../files/errors';
import { Jail } from '../files/jail';
import { Trash } from '../files/trash';
import { writeBackupArchive } from './backup-archive';
import { extractBackup, scanBackup } from './restore-archive';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A `.pteroignore` larger than this is not a list of patterns. */
const MAX_IGNORE_FILE = 64 * 1024;

/**
 * Backups of the servers on this host (DESIGN §13): `DATA_DIR/backups/<server>/<backup>.tar.gz`, outside every
 * server's root (neither the file manager nor SFTP reaches them). Paths are built from uuids only.
 */
export class LocalBackups {
  constructor(private readonly dataDir: string) {}

  private serverRoot(serverUuid: string): string {
    return path.join(path.resolve(this.dataDir), 'servers', serverUuid);
  }

  archivePath(serverUuid: string, uuid: string): string {
    if (!UUID.test(serverUuid) || !UUID.test(uuid)) throw new FsError('invalid_path', 'A backup is named by its uuid.');
    return path.join(path.resolve(this.dataDir), 'backups', serverUuid, `${uuid}.tar.gz`);
  }

  /** The patterns to honour: the request's, else the root's `.pteroignore` (a regular file only, never a link). */
  private async patterns(jail: Jail, ignored: readonly string[]): Promise<string[]> {
    const given = ignored.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    if (given.length) return given;
    const file = path.join(await jail.realRoot(), '.pteroignore');
    const st = await lstat(file).catch(() => null);
    if (!st?.isFile() || st.size > MAX_IGNORE_FILE) return [];
    return (await readFile(file, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  }

  async create(serverUuid: string, request: BackupRequest, onProgress?: (bytes: number) => void): Promise<BackupResult> {
    const out = this.archivePath(serverUuid, request.uuid);
    await mkdir(path.dirname(out), { recursive: true, mode: 0o700 });
    const jail = new Jail(this.serverRoot(serverUuid));
    const rootReal = await jail.realRoot();
    return writeBackupArchive(rootReal, await this.patterns(jail, request.ignored), out, onProgress);
  }

  /**
   * Scans the archive (refusing it before anything changes), then with `truncate` moves everything in the root to
   * the server's trash, then extracts. Without truncate, files in the archive replace their namesakes; others stay.
   */
  async restore(serverUuid: string, uuid: string, truncate: boolean, trashDir: string): Promise<void> {
    const file = this.archivePath(serverUuid, uuid);
    await stat(file).catch(() => { throw new FsError('not_found', 'The backup archive does not exist on this node.'); });
    const jail = new Jail(this.serverRoot(serverUuid));
    const rootReal = await jail.realRoot();
    await scanBackup(file, truncate ? null : jail);
    if (truncate) {
      const trash = new Trash(trashDir);
      for (const name of await readdir(rootReal)) await trash.put(path.join(rootReal, name), `/${name}`);
    }
    await extractBackup(file, rootReal);
  }

  async delete(serverUuid: string, uuid: string): Promise<void> {
    const file = this.archivePath(serverUuid, uuid);
    for (const f of [file, `${file}.part`]) {
      await unlink(f).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
    }
  }

  async open(serverUuid: string, uuid: string): Promise<{ stream: Readable; size: number }> {
    const file = this.archivePath(serverUuid, uuid);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch {
      throw new FsError('not_found', 'The backup archive does not exist on this node.');
    }
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  }
}
