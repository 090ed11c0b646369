import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { FsError } from './errors';

const MAX_PATH = 4096;
const MAX_NAME = 255;

/**
 * Splits a server-relative path into safe segments. Leading `/` means the server's root (as Pterodactyl and Wings
 * send it), so `/etc/passwd` names `<root>/etc/passwd`, never the host's. NUL bytes and `..` segments are refused
 * outright (never "cleaned"): a client that sends them is either broken or probing.
 */
export function segmentsOf(userPath: string): string[] {
  if (userPath.includes('\0')) throw new FsError('invalid_path', 'The path contains a NUL byte.');
  if (userPath.length > MAX_PATH) throw new FsError('invalid_path', 'The path is too long.');
  const segments = userPath.split('/').filter((s) => s !== '' && s !== '.');
  for (const s of segments) {
    if (s === '..') throw new FsError('invalid_path', 'The path may not contain "..".');
    if (Buffer.byteLength(s) > MAX_NAME) throw new FsError('invalid_path', 'A file name in the path is too long.');
  }
  return segments;
}

/** The canonical server-relative form (`/a/b`), for display and activity logs. */
export function displayPath(userPath: string): string {
  return '/' + segmentsOf(userPath).join('/');
}

/**
 * Lexical normalisation for SFTP clients, which legitimately send `..` (`cd ..`, `/dir/../x`): resolved as a chroot
 * does, clamped at the root. The result is then jailed like any other path.
 */
export function clampVirtual(userPath: string, cwd = '/'): string {
  if (userPath.includes('\0')) throw new FsError('invalid_path', 'The path contains a NUL byte.');
  return path.posix.resolve('/', cwd, userPath);
}

/**
 * Resolves server-relative paths to real host paths inside one root. Every existing component is checked: a
 * symlink is followed only when its real path stays inside the root; for components that do not exist yet, the
 * deepest existing ancestor's real path decides. Callers open the result with O_NOFOLLOW where it matters, so a
 * link swapped in after the check is not followed either.
 */
export class Jail {
  private rootReal: Promise<string> | null = null;

  constructor(readonly root: string) {}

  /** The root's real path (created on first use: a fresh server has an empty directory). */
  realRoot(): Promise<string> {
    this.rootReal ??= mkdir(this.root, { recursive: true }).then(() => realpath(this.root));
    return this.rootReal;
  }

  inside(rootReal: string, candidate: string): boolean {
    return candidate === rootReal || candidate.startsWith(rootReal + path.sep);
  }

  /**
   * The host path for `userPath`. `followFinal: false` leaves a final symlink itself (delete, rename, lstat act on
   * the link); otherwise a final symlink must lead inside the root and must not dangle.
   */
  async resolve(userPath: string, opts: { followFinal: boolean } = { followFinal: true }): Promise<string> {
    const segments = segmentsOf(userPath);
    const rootReal = await this.realRoot();
    let current = rootReal;
    for (let i = 0; i < segments.length; i++) {
      const next = path.join(current, segments[i] as string);
      const last = i === segments.length - 1;
      let isLink: boolean;
      try {
        isLink = (await lstat(next)).isSymbolicLink();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return path.join(next, ...segments.slice(i + 1));
        if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
          throw new FsError('not_a_directory', `${'/' + segments.slice(0, i).join('/')} is not a directory.`);
        }
        throw err;
      }
      if (isLink && (!last || opts.followFinal)) {
        let real: string;
        try {
          real = await realpath(next);
        } catch {
          throw new FsError('outside_root', 'The path goes through a symbolic link that leads nowhere inside the server.');
        }
        if (!this.inside(rootReal, real)) throw new FsError('outside_root', 'The path leads outside the server root.');
        current = real;
      } else {
        current = next;
      }
    }
    return current;
  }

  /** The server-relative form of a host path inside the root, or null when it is outside. */
  async virtualOf(hostPath: string): Promise<string | null> {
    const rootReal = await this.realRoot();
    if (!this.inside(rootReal, hostPath)) return null;
    return '/' + path.relative(rootReal, hostPath).split(path.sep).filter(Boolean).join('/');
  }
}
