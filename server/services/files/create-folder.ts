import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { requirePath, join } from './file-scope-guard';

/** `file.create`: makes `root/name` (and missing parents). */
export function createFolder(app: AppContext, actor: Actor, access: ServerAccess, input: { root: string; name: string }): Promise<void> {
  return runFileOperation(app, actor, access,
    { key: 'file.create', field: 'name', event: 'server:file.create-directory', properties: () => ({ directory: input.root, name: input.name }) },
    async (fs, scope) => { await requirePath(scope, fs, join(input.root, input.name)); await fs.createDirectory(input.root, input.name); });
}
