import type { Readable } from 'node:stream';
import type { FileEntry } from '@bridge/files/types';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { runFileOperation } from './file-access';
import { requirePath } from './file-scope-guard';

/** `file.create` (as Pterodactyl): creates or replaces a file from a body stream, up to FILE_MAX_UPLOAD_BYTES. */
export function writeFile(app: AppContext, actor: Actor, access: ServerAccess, file: string, body: Readable | Buffer): Promise<FileEntry> {
  return runFileOperation(app, actor, access, { key: 'file.create', field: 'file', event: 'server:file.write', properties: () => ({ file }) },
    async (fs, scope) => { await requirePath(scope, fs, file); return fs.write(file, body); });
}
