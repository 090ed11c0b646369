import type { Readable } from 'node:stream';

/**
 * A server's filesystem as the Daemon exposes it (DESIGN §8). Every path is relative to the server's root (a leading
 * `/` is the root) and is resolved inside it: `..`, NUL bytes and symlinks leading outside are refused with an
 * FsError (./errors). Implemented on this host by LocalFilesystem; a WingsDaemon would forward to the node.
 */
export interface FileEntry {
  readonly name: string;
  /** `-rw-r--r--` / `drwxr-xr-x` / `lrwxrwxrwx`, as `ls -l`. */
  readonly mode: string;
  /** Octal permission bits, e.g. `644`. */
  readonly modeBits: string;
  readonly size: number;
  readonly isFile: boolean;
  readonly isSymlink: boolean;
  readonly mimetype: string;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
}

export interface FileLimits {
  /** Largest file `read` returns (FILE_MAX_READ_BYTES). */
  readonly maxReadBytes: number;
  /** Largest body `write` accepts (FILE_MAX_UPLOAD_BYTES). */
  readonly maxUploadBytes: number;
  /** Most bytes one `decompress` may write (ARCHIVE_MAX_EXTRACT_BYTES). */
  readonly maxExtractBytes: number;
}

export type ArchiveFormat = 'tar.gz' | 'zip';

/** One item in the per-server trash (kept outside the served root). */
export interface TrashEntry {
  /** The trash id: `<UTC timestamp>-<random>`, sortable and unique; names the item for restore. */
  readonly id: string;
  readonly name: string;
  /** Where it lived, server-relative. */
  readonly originalPath: string;
  readonly deletedAt: Date;
  readonly size: number;
  readonly isFile: boolean;
}

export interface ServerFilesystem {
  list(dir: string): Promise<FileEntry[]>;
  stat(file: string): Promise<FileEntry>;
  /** The whole file, refused with `too_large` beyond the read limit. */
  read(file: string): Promise<Buffer>;
  /** A stream of the whole file for downloads (no size limit), with its size and name. */
  openRead(file: string): Promise<{ stream: Readable; size: number; name: string }>;
  /** Creates or replaces a file (parents created), stopping with `too_large` past the upload limit. */
  write(file: string, data: Readable | Buffer): Promise<FileEntry>;
  /** Creates `root/name` (and missing parents). */
  createDirectory(root: string, name: string): Promise<void>;
  /** Renames inside `root`; a target that exists is refused. */
  rename(root: string, from: string, to: string): Promise<void>;
  /** Copies a file next to itself as `name copy.ext` (then `copy 2` …); returns the new server-relative path. */
  copy(location: string): Promise<string>;
  /** Moves each `root/file` to the trash. */
  delete(root: string, files: readonly string[]): Promise<TrashEntry[]>;
  /** Archives `root/files` into a new archive in `root`; returns it. */
  compress(root: string, files: readonly string[], format: ArchiveFormat, name?: string): Promise<FileEntry>;
  /** Extracts `root/file` (tar, tar.gz, zip) into `root`; unsafe archives are refused before anything is written. */
  decompress(root: string, file: string): Promise<void>;
  /** Sets permission bits (0–0o777). */
  chmod(file: string, mode: number): Promise<void>;
  /**
   * The server-relative path `file` really names once symlinks inside the root are followed (the path itself when it
   * does not exist yet): path scopes (DESIGN §20) judge both, so a link cannot lead out of a scope.
   */
  realPath(file: string): Promise<string>;
  trashList(): Promise<TrashEntry[]>;
  /** Permanently deletes everything in the trash; returns how many items went. */
  trashEmpty(): Promise<number>;
  /**
   * Uploads files into `directory` in one request, where the filesystem has an upload transport of its own (Wings'
   * signed `/upload/file`); without it, each file is written with `write`. Names are single path segments.
   */
  upload?(directory: string, files: readonly { readonly name: string; readonly body: Readable | Buffer }[]): Promise<FileEntry[]>;
}
