import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { requirePath, requireTree, join } from './file-scope-guard';

/** `file.create`: copies a file beside itself (`name copy.ext`). */
export function copyFile(app: AppContext, actor: Actor, access: ServerAccess, location: string): Promise<string> {
  return runFileOperation(app, actor, access,
    { key: 'file.create', field: 'location', event: 'server:file.copy', properties: (to) => ({ file: location, to }) },
    async (fs, scope) => {
      // The copy lands beside the source under a name chosen later: the source and its whole directory must be in scope.
      await requirePath(scope, fs, location);
      await requireTree(scope, fs, join(location, '..'));
      return fs.copy(location);
    });
}
