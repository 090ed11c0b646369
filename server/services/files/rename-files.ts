import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { join, requireMove } from './file-scope-guard';

/** `file.update`: renames or moves each pair inside `root`, in order; stops at the first failure. */
export function renameFiles(app: AppContext, actor: Actor, access: ServerAccess, input: { root: string; files: Array<{ from: string; to: string }> }): Promise<void> {
  return runFileOperation(app, actor, access,
    { key: 'file.update', field: 'files', event: 'server:file.rename', properties: () => ({ directory: input.root, files: input.files }) },
    async (fs, scope) => {
      // Both ends must be in scope; a directory moves its whole tree, so both trees must be.
      for (const f of input.files) await requireMove(scope, fs, join(input.root, f.from), join(input.root, f.to));
      for (const f of input.files) await fs.rename(input.root, f.from, f.to);
    });
}
