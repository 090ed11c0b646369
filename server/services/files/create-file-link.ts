import type { Request } from 'express';
import { FsError } from '@bridge/files/errors';
import { displayPath } from '@bridge/files/jail';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { fsToHttp, runFileOperation } from './file-access';
import { requirePath } from './file-scope-guard';
import { mintFileToken } from './file-tokens';

export function baseUrl(app: AppContext, req: Request): string {
  return (app.config.APP_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`).replace(/\/+$/, '');
}

function normalised(p: string, field: string): string {
  try {
    return displayPath(p);
  } catch (err) {
    throw fsToHttp(err, field);
  }
}

/** `file.read-content`: a one-time URL that downloads exactly this file (checked to be a readable file first). */
export async function createDownloadLink(app: AppContext, req: Request, actor: Actor, access: ServerAccess, file: string): Promise<string> {
  const entry = await runFileOperation(app, actor, access, { key: 'file.read-content', field: 'file' }, async (fs, scope) => {
    await requirePath(scope, fs, file);
    return fs.stat(file);
  });
  if (!entry.isFile && !entry.isSymlink) throw fsToHttp(new FsError('is_directory', 'Only files can be downloaded.'), 'file');
  const token = await mintFileToken(app, {
    scope: 'download', serverUuid: access.server.uuid, userUuid: actor.user.uuid, path: normalised(file, 'file'), apiKey: actor.apiKey?.identifier ?? null,
  });
  return `${baseUrl(app, req)}/api/files/download/${token}`;
}

/** `file.create`: a one-time URL that accepts one upload into `directory` (or below it). */
export async function createUploadLink(app: AppContext, req: Request, actor: Actor, access: ServerAccess, directory: string): Promise<string> {
  await runFileOperation(app, actor, access, { key: 'file.create', field: 'directory' }, async () => undefined);
  const token = await mintFileToken(app, {
    scope: 'upload', serverUuid: access.server.uuid, userUuid: actor.user.uuid, path: normalised(directory, 'directory'), apiKey: actor.apiKey?.identifier ?? null,
  });
  return `${baseUrl(app, req)}/api/files/upload/${token}`;
}
