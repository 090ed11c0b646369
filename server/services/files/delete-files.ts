import type { TrashEntry } from '@bridge/files/types';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { requireTree, join } from './file-scope-guard';

/** `file.delete`: moves each `root/file` to the server's trash (restorable until the trash is emptied). */
export function deleteFiles(app: AppContext, actor: Actor, access: ServerAccess, input: { root: string; files: string[] }): Promise<TrashEntry[]> {
  return runFileOperation(app, actor, access,
    { key: 'file.delete', field: 'files', event: 'server:file.delete', properties: (moved) => ({ directory: input.root, files: input.files, trash: moved.map((m) => m.id) }) },
    async (fs, scope) => {
      for (const f of input.files) await requireTree(scope, fs, join(input.root, f));
      return fs.delete(input.root, input.files);
    });
}
