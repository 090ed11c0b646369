import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { outsideScope } from './file-scope-guard';

/** `file.trash-empty`: permanently deletes everything in the trash. */
export function emptyTrash(app: AppContext, actor: Actor, access: ServerAccess): Promise<number> {
  return runFileOperation(app, actor, access,
    { key: 'file.trash-empty', field: 'trash', event: 'server:file.trash-empty', properties: (count) => ({ count }) },
    async (fs, scope) => {
      // The trash holds items from the whole tree: a path-scoped subuser cannot empty it.
      if (scope) throw outsideScope('/');
      return fs.trashEmpty();
    });
}
