import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { requirePath } from './file-scope-guard';

/** `file.read-content`: a file's bytes, up to FILE_MAX_READ_BYTES. */
export function readFileContents(app: AppContext, actor: Actor, access: ServerAccess, file: string): Promise<Buffer> {
  return runFileOperation(app, actor, access, { key: 'file.read-content', field: 'file', event: 'server:file.read', properties: () => ({ file }) },
    async (fs, scope) => { await requirePath(scope, fs, file); return fs.read(file); });
}
