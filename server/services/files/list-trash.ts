import type { TrashEntry } from '@bridge/files/types';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';

/** `file.trash-read`: what was deleted, newest first. */
export function listTrash(app: AppContext, actor: Actor, access: ServerAccess): Promise<TrashEntry[]> {
  return runFileOperation(app, actor, access, { key: 'file.trash-read', field: 'trash' }, async (fs, scope) => (await fs.trashList()).filter((t) => !scope || scope.allows(t.originalPath)));
}
