/**
 * A server's filesystem as the Daemon exposes it (DESIGN §8). Every path is relative to the server's root and is
 * resolved inside it: `..`, absolute paths, NUL bytes and symlinks leading outside are refused.
 * (Shape owned by the files issue; the Daemon returns one per server through `files(server)`.)
 */
export interface FileEntry {
  readonly name: string;
  readonly mode: string;
  readonly modeBits: string;
  readonly size: number;
  readonly isFile: boolean;
  readonly isSymlink: boolean;
  readonly mimetype: string;
  readonly createdAt: Date;
  readonly modifiedAt: Date;
}

export interface ServerFilesystem {
  list(dir: string): Promise<FileEntry[]>;
  stat(file: string): Promise<FileEntry>;
}
