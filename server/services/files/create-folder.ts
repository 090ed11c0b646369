import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';

/** `file.create`: makes `root/name` (and missing parents). */
export function createFolder(app: AppContext, actor: Actor, access: ServerAccess, input: { root: string; name: string }): Promise<void> {
  return runFileOperation(app, actor, access,
    { key: 'file.create', field: 'name', event: 'server:file.create-directory', properties: () => ({ directory: input.root, name: input.name }) },
    (fs) => fs.createDirectory(input.root, input.name));
}
