import type { FileEntry } from '@bridge/files/types';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { scopedListing } from './file-scope-guard';

/** `file.read`: a directory's entries, folders first. Listing is not logged (as Pterodactyl). */
export function listFiles(app: AppContext, actor: Actor, access: ServerAccess, directory: string): Promise<FileEntry[]> {
  return runFileOperation(app, actor, access, { key: 'file.read', field: 'directory' }, (fs, scope) => scopedListing(scope, fs, directory, () => fs.list(directory)));
}
