import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';

/** `file.create`: copies a file beside itself (`name copy.ext`). */
export function copyFile(app: AppContext, actor: Actor, access: ServerAccess, location: string): Promise<string> {
  return runFileOperation(app, actor, access,
    { key: 'file.create', field: 'location', event: 'server:file.copy', properties: (to) => ({ file: location, to }) },
    (fs) => fs.copy(location));
}
