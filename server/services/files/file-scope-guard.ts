import path from 'node:path';
import { fileScopeOf, normalisePath, type FileScope } from '@contracts/file-scope';
import type { FileEntry, ServerFilesystem } from '@bridge/files/types';
import { forbidden } from '../../http/errors';
import type { ServerAccess } from '../../http/types';

/**
 * Path scopes in the file routes (DESIGN §20). The same FileScope decides SFTP (wings-bridge/sftp/session.ts):
 * a path must be inside the scope both as named and as its symlinks resolve; whole-tree operations (deleting or
 * moving a directory, archiving, extracting) need the whole tree inside the scope.
 */
export function scopeOf(access: ServerAccess): FileScope | null {
  if (access.isOwner || access.isAdmin) return null;
  return fileScopeOf(access.subuser?.fileScope);
}

export const outsideScope = (file: string) =>
  forbidden(`${file} is outside the paths you may use on this server.`, { path: file, rule: 'file_scope' });

export const join = (root: string, name: string) => normalisePath(path.posix.join('/', root, name));

/** The path (named and resolved) is inside the scope. */
export async function requirePath(scope: FileScope | null, fs: ServerFilesystem, file: string): Promise<void> {
  if (!scope) return;
  const named = normalisePath(file);
  if (!scope.allows(named) || !scope.allows(await fs.realPath(named))) throw outsideScope(named);
}

/** A file needs the path; a directory needs its whole tree (named and resolved). A missing path needs the path. */
export async function requireTree(scope: FileScope | null, fs: ServerFilesystem, file: string): Promise<void> {
  if (!scope) return;
  const named = normalisePath(file);
  const isDir = await fs.stat(named).then((e) => !e.isFile && !e.isSymlink, () => false);
  if (!isDir) return requirePath(scope, fs, named);
  if (!scope.coversTree(named) || !scope.coversTree(await fs.realPath(named))) throw outsideScope(named);
}

/** A directory may be listed when it leads to something inside the scope; only such entries are shown. */
export async function scopedListing(scope: FileScope | null, fs: ServerFilesystem, dir: string, list: () => Promise<FileEntry[]>): Promise<FileEntry[]> {
  if (!scope) return list();
  const named = normalisePath(dir);
  if (!scope.reveals(named) || !scope.reveals(await fs.realPath(named))) throw outsideScope(named);
  return (await list()).filter((e) => scope.reveals(join(named, e.name)));
}

/** A rename: the source as a delete would need it, the target as the path (a directory's target: its whole tree). */
export async function requireMove(scope: FileScope | null, fs: ServerFilesystem, from: string, to: string): Promise<void> {
  if (!scope) return;
  await requireTree(scope, fs, from);
  const isDir = await fs.stat(from).then((e) => !e.isFile && !e.isSymlink, () => false);
  const target = normalisePath(to);
  if (isDir ? !scope.coversTree(target) || !scope.coversTree(await fs.realPath(target)) : false) throw outsideScope(target);
  await requirePath(scope, fs, target);
}
