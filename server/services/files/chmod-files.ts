import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { requirePath, join } from './file-scope-guard';

/** `file.update`: sets permission bits on each `root/file`. */
export function chmodFiles(app: AppContext, actor: Actor, access: ServerAccess, input: { root: string; files: Array<{ file: string; mode: number }> }): Promise<void> {
  return runFileOperation(app, actor, access,
    {
      key: 'file.update', field: 'files', event: 'server:file.chmod',
      properties: () => ({ directory: input.root, files: input.files.map((f) => ({ file: f.file, mode: f.mode.toString(8) })) }),
    },
    async (fs, scope) => {
      for (const f of input.files) await requirePath(scope, fs, join(input.root, f.file));
      for (const f of input.files) await fs.chmod(`${input.root}/${f.file}`, f.mode);
    });
}
