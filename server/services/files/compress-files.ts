import type { ArchiveFormat, FileEntry } from '@bridge/files/types';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { requireTree, join } from './file-scope-guard';

/** `file.archive`: archives `root/files` into a new tar.gz or zip in `root`. */
export function compressFiles(
  app: AppContext, actor: Actor, access: ServerAccess,
  input: { root: string; files: string[]; format: ArchiveFormat; name?: string | undefined },
): Promise<FileEntry> {
  return runFileOperation(app, actor, access,
    { key: 'file.archive', field: 'files', event: 'server:file.compress', properties: (a) => ({ directory: input.root, files: input.files, archive: a.name }) },
    async (fs, scope) => {
      // Everything archived must be in scope, and the archive lands in `root` under a chosen name: root's tree too.
      for (const f of input.files) await requireTree(scope, fs, join(input.root, f));
      await requireTree(scope, fs, input.root);
      return fs.compress(input.root, input.files, input.format, input.name);
    });
}
