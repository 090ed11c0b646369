/**
 * The one error type the filesystem throws. Transports map `code` to their own answer (HTTP status, SFTP status),
 * so the jail and the operations never know who asked.
 */
export type FsErrorCode =
  | 'invalid_path' // NUL bytes, `..` segments, over-long names: the request itself is malformed
  | 'outside_root' // a symlink (existing or extracted) leads outside the server's root
  | 'not_found'
  | 'exists'
  | 'not_a_directory'
  | 'is_directory'
  | 'too_large' // a configured read, upload or extraction limit was reached
  | 'unsafe_archive' // zip-slip, absolute names, links leading outside, device entries
  | 'unsupported';

export class FsError extends Error {
  constructor(readonly code: FsErrorCode, message: string, readonly path?: string) {
    super(message);
  }
}

export const isFsError = (e: unknown): e is FsError => e instanceof FsError;

/** Maps Node's errno errors on paths we already jailed to FsError; anything else is rethrown unchanged. */
export function fromErrno(err: unknown, shownPath: string): never {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT': throw new FsError('not_found', `The file or directory ${shownPath} does not exist.`, shownPath);
    case 'EEXIST': case 'ENOTEMPTY': throw new FsError('exists', `${shownPath} already exists.`, shownPath);
    case 'ENOTDIR': throw new FsError('not_a_directory', `${shownPath} is not a directory.`, shownPath);
    case 'EISDIR': throw new FsError('is_directory', `${shownPath} is a directory.`, shownPath);
    // O_NOFOLLOW met a symlink swapped in after the jail check.
    case 'ELOOP': throw new FsError('outside_root', `${shownPath} is a symbolic link that cannot be followed here.`, shownPath);
    case 'ENAMETOOLONG': throw new FsError('invalid_path', `The path ${shownPath} is too long.`, shownPath);
    default: throw err;
  }
}
