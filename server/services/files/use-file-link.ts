import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { displayPath } from '@bridge/files/jail';
import type { FileEntry } from '@bridge/files/types';
import type { AppContext } from '../../context';
import { forbidden, validationError } from '../../http/errors';
import { runFileOperation } from './file-access';
import { requirePath } from './file-scope-guard';
import { redeemFileLink } from './redeem-file-link';

/** Redeems a download link: the user must still hold `file.read-content` on the server, now. */
export async function downloadFile(app: AppContext, req: Request, token: string): Promise<{ stream: Readable; size: number; name: string }> {
  const { claims, actor, access } = await redeemFileLink(app, req, token, 'download');
  return runFileOperation(app, actor, access,
    { key: 'file.read-content', field: 'file', event: 'server:file.download', properties: () => ({ file: claims.path }) },
    async (fs, scope) => { await requirePath(scope, fs, claims.path); return fs.openRead(claims.path); });
}

export interface UploadPart {
  readonly name: string;
  readonly body: Readable | Buffer;
}

/**
 * Redeems an upload link: `file.create` re-checked now; targets must lie in the link's directory. The body is read
 * (`parts`) only after the link checked out, so nobody makes the panel buffer an upload without a valid link.
 */
export async function uploadFiles(
  app: AppContext, req: Request, token: string, directory: string, parts: () => Promise<UploadPart[]>,
): Promise<FileEntry[]> {
  const { claims, actor, access } = await redeemFileLink(app, req, token, 'upload');
  let names: string[] = [];
  return runFileOperation(app, actor, access,
    { key: 'file.create', field: 'directory', event: 'server:file.upload', properties: () => ({ directory, files: names }) },
    async (fs, pathScope) => {
      const scope = claims.path === '/' ? '/' : `${claims.path}/`;
      const dir = displayPath(directory);
      if (dir !== claims.path && !dir.startsWith(scope)) throw forbidden('This upload link is for another directory.');
      const files = await parts();
      names = files.map((f) => f.name);
      for (const f of files) {
        if (f.name.includes('/') || f.name === '' || f.name === '.' || f.name === '..') throw validationError('name', 'The file name is not valid.');
        await requirePath(pathScope, fs, `${dir}/${f.name}`);
      }
      // A Wings node takes them through its own signed upload route; this host writes each file.
      if (fs.upload) return fs.upload(dir, files);
      const out: FileEntry[] = [];
      for (const f of files) out.push(await fs.write(`${dir}/${f.name}`, f.body));
      return out;
    });
}
