import type { Request } from 'express';
import { ERROR_CODES } from '@contracts/errors';
import { httpError, validationError } from '../../http/errors';
import type { UploadPart } from './use-file-link';

/**
 * The files of an upload request: a raw body named by `?name=` (streamed, progress-friendly), or
 * `multipart/form-data` as Pterodactyl's file manager sends it (`files` fields with filenames). Multipart bodies are
 * buffered up to the upload limit (plus room for part headers) and split here: no parser dependency for one route.
 */
export async function uploadParts(req: Request, name: string | undefined, maxBytes: number): Promise<UploadPart[]> {
  const type = req.get('content-type') ?? '';
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!boundary) {
    if (!name) throw validationError('name', 'The name field is required for a raw upload.', 'required');
    return [{ name, body: req }];
  }
  const body = await readLimited(req, maxBytes + 64 * 1024);
  const parts: UploadPart[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const headerStart = start + delimiter.length + 2;
    const next = body.indexOf(delimiter, headerStart);
    if (next < 0) break;
    const headerEnd = body.indexOf('\r\n\r\n', headerStart);
    if (headerEnd < 0 || headerEnd > next) break;
    const headers = body.subarray(headerStart, headerEnd).toString('utf8');
    const filename = /filename\*?="?([^"\r\n;]*)"?/i.exec(headers)?.[1];
    if (filename) parts.push({ name: decodeURIComponent(filename.replace(/^UTF-8''/i, '')), body: body.subarray(headerEnd + 4, next - 2) });
    start = next;
  }
  if (parts.length === 0) throw validationError('files', 'The upload contains no file.', 'required');
  return parts;
}

async function readLimited(req: Request, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw httpError(413, ERROR_CODES.payloadTooLarge, `The upload is larger than the limit of ${max} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
