import type { ArchiveFormat, FileEntry } from '@bridge/files/types';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';

/** `file.archive`: archives `root/files` into a new tar.gz or zip in `root`. */
export function compressFiles(
  app: AppContext, actor: Actor, access: ServerAccess,
  input: { root: string; files: string[]; format: ArchiveFormat; name?: string | undefined },
): Promise<FileEntry> {
  return runFileOperation(app, actor, access,
    { key: 'file.archive', field: 'files', event: 'server:file.compress', properties: (a) => ({ directory: input.root, files: input.files, archive: a.name }) },
    (fs) => fs.compress(input.root, input.files, input.format, input.name));
}
