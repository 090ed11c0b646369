import type { Request } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { route } from '../http/manifest';
import { chmodFiles } from '../services/files/chmod-files';
import { compressFiles } from '../services/files/compress-files';
import { copyFile } from '../services/files/copy-file';
import { createDownloadLink, createUploadLink } from '../services/files/create-file-link';
import { createFolder } from '../services/files/create-folder';
import { decompressFile } from '../services/files/decompress-file';
import { deleteFiles } from '../services/files/delete-files';
import { emptyTrash } from '../services/files/empty-trash';
import { fileList, fileObject, signedUrl, trashObject } from '../services/files/file-transformers';
import { listFiles } from '../services/files/list-files';
import { listTrash } from '../services/files/list-trash';
import { readFileContents } from '../services/files/read-file-contents';
import { renameFiles } from '../services/files/rename-files';
import { downloadFile, uploadFiles } from '../services/files/use-file-link';
import { writeFile } from '../services/files/write-file';
import { uploadParts } from '../services/files/upload-parts';

const BASE = '/api/client/servers/:server/files';
const path = z.string().max(4096);
const root = path.default('/');
const fileList1 = z.array(path.min(1)).min(1).max(1000);
/** Pterodactyl sends modes as the octal digits written as a number (`644`) or a string (`"0644"`). */
const mode = z.union([z.number().int(), z.string()]).transform((v, ctx) => {
  const s = String(v);
  if (!/^0?[0-7]{3}$/.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'must be three octal digits, e.g. 644' });
    return z.NEVER;
  }
  return parseInt(s, 8);
});

/** A body that already went through the JSON parser (a client sent `application/json` to a raw route). */
function rawBodyOf(req: Request): Readable | Buffer {
  const parsed = req as Request & { _body?: boolean };
  if (parsed._body) return Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? ''));
  return req;
}

export const fileRoutes = [
  route({
    method: 'GET', path: `${BASE}/list`, need: 'file.read',
    query: z.object({ directory: root }).loose(), example: { query: { directory: '/' } },
    handler: async ({ app, actor, access, query }) => fileList(await listFiles(app, actor, access, query.directory)),
  }),
  route({
    method: 'GET', path: `${BASE}/contents`, need: 'file.read-content',
    query: z.object({ file: path.min(1) }).loose(), example: { query: { file: '/matrix.txt' } },
    handler: async ({ app, actor, access, query, res }) => {
      const data = await readFileContents(app, actor, access, query.file);
      res.status(200).type('text/plain; charset=utf-8').send(data);
    },
  }),
  route({
    method: 'GET', path: `${BASE}/download`, need: 'file.read-content',
    query: z.object({ file: path.min(1) }).loose(), example: { query: { file: '/matrix.txt' } },
    handler: async ({ app, req, actor, access, query }) => signedUrl(await createDownloadLink(app, req, actor, access, query.file)),
  }),
  route({
    method: 'POST', path: `${BASE}/write`, need: 'file.create', rawBody: true,
    query: z.object({ file: path.min(1) }).loose(), example: { query: { file: '/matrix-write.txt' }, body: 'hello' },
    handler: async ({ app, req, actor, access, query }) => {
      await writeFile(app, actor, access, query.file, rawBodyOf(req));
    },
  }),
  route({
    method: 'POST', path: `${BASE}/create-folder`, need: 'file.create',
    body: z.object({ root, name: path.min(1) }), example: { body: { root: '/', name: 'matrix-folder' } },
    handler: async ({ app, actor, access, body }) => { await createFolder(app, actor, access, body); },
  }),
  route({
    method: 'PUT', path: `${BASE}/rename`, need: 'file.update',
    body: z.object({ root, files: z.array(z.object({ from: path.min(1), to: path.min(1) })).min(1).max(1000) }),
    example: { body: { root: '/', files: [{ from: 'matrix.txt', to: 'matrix-renamed.txt' }] } },
    handler: async ({ app, actor, access, body }) => { await renameFiles(app, actor, access, body); },
  }),
  route({
    method: 'POST', path: `${BASE}/copy`, need: 'file.create',
    body: z.object({ location: path.min(1) }), example: { body: { location: '/matrix.txt' } },
    handler: async ({ app, actor, access, body }) => { await copyFile(app, actor, access, body.location); },
  }),
  route({
    method: 'POST', path: `${BASE}/delete`, need: 'file.delete',
    body: z.object({ root, files: fileList1 }), example: { body: { root: '/', files: ['matrix.txt'] } },
    handler: async ({ app, actor, access, body }) => { await deleteFiles(app, actor, access, body); },
  }),
  route({
    method: 'POST', path: `${BASE}/compress`, need: 'file.archive',
    body: z.object({
      root, files: fileList1,
      extension: z.enum(['tar.gz', 'tgz', 'zip']).default('tar.gz'),
      archive_name: z.string().max(191).optional(),
    }),
    example: { body: { root: '/', files: ['matrix.txt'] } },
    handler: async ({ app, actor, access, body }) => fileObject(await compressFiles(app, actor, access, {
      root: body.root, files: body.files, format: body.extension === 'zip' ? 'zip' : 'tar.gz', name: body.archive_name,
    })),
  }),
  route({
    method: 'POST', path: `${BASE}/decompress`, need: 'file.create',
    body: z.object({ root, file: path.min(1) }), example: { body: { root: '/', file: 'matrix.tar.gz' } },
    handler: async ({ app, actor, access, body }) => { await decompressFile(app, actor, access, body); },
  }),
  route({
    method: 'POST', path: `${BASE}/chmod`, need: 'file.update',
    body: z.object({ root, files: z.array(z.object({ file: path.min(1), mode })).min(1).max(1000) }),
    example: { body: { root: '/', files: [{ file: 'matrix.txt', mode: 644 }] } },
    handler: async ({ app, actor, access, body }) => { await chmodFiles(app, actor, access, body); },
  }),
  route({
    method: 'GET', path: `${BASE}/upload`, need: 'file.create',
    query: z.object({ directory: root }).loose(), example: { query: {} },
    handler: async ({ app, req, actor, access, query }) => signedUrl(await createUploadLink(app, req, actor, access, query.directory)),
  }),
  route({
    method: 'GET', path: `${BASE}/trash`, need: 'file.trash-read',
    handler: async ({ app, actor, access }) => ({ object: 'list', data: (await listTrash(app, actor, access)).map(trashObject) }),
  }),
  route({
    method: 'POST', path: `${BASE}/trash/empty`, need: 'file.trash-empty',
    handler: async ({ app, actor, access }) => { await emptyTrash(app, actor, access); },
  }),
  // The targets of the signed URLs: the token is the credential (checked, spent, and the user's access re-checked).
  route({
    method: 'GET', path: '/api/files/download/:token', need: 'public',
    handler: async ({ app, req, res, params }) => {
      const file = await downloadFile(app, req, params.token ?? '');
      res.status(200);
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('content-length', String(file.size));
      res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
      await pipeline(file.stream, res);
    },
  }),
  route({
    method: 'POST', path: '/api/files/upload/:token', need: 'public', rawBody: true,
    query: z.object({ directory: root, name: z.string().max(255).optional() }).loose(),
    handler: async ({ app, req, params, query }) => {
      const written = await uploadFiles(app, req, params.token ?? '', query.directory,
        () => uploadParts(req, query.name, app.config.FILE_MAX_UPLOAD_BYTES));
      return { object: 'list', data: written.map(fileObject) };
    },
  }),
];
