import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { requirePath, requireTree, join } from './file-scope-guard';

/** `file.create` (DESIGN §8): extracts `root/file` into `root`; unsafe archives are refused whole. */
export function decompressFile(app: AppContext, actor: Actor, access: ServerAccess, input: { root: string; file: string }): Promise<void> {
  return runFileOperation(app, actor, access,
    { key: 'file.create', field: 'file', event: 'server:file.decompress', properties: () => ({ directory: input.root, file: input.file }) },
    async (fs, scope) => {
      // An archive may only unpack to permitted paths: the archive and the whole tree it extracts into.
      await requirePath(scope, fs, join(input.root, input.file));
      await requireTree(scope, fs, input.root);
      await fs.decompress(input.root, input.file);
    });
}
