import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { FsError } from './errors';

export interface ZipItem {
  readonly entry: Entry;
  readonly kind: 'file' | 'directory' | 'symlink';
  /** The entry's data; sizes are validated by yauzl against the header (a lying header errors the stream). */
  open(): Promise<Readable>;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    // yauzl refuses absolute names, `..` components and backslashes itself (strictFileNames); we check again.
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: true }, (err, zip) => {
      if (err || !zip) reject(new FsError('unsafe_archive', `The archive was refused: ${err?.message ?? 'unreadable zip'}`));
      else resolve(zip);
    });
  });
}

function kindOf(entry: Entry): ZipItem['kind'] {
  if (entry.fileName.endsWith('/')) return 'directory';
  const unixMode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  return unixMode === S_IFLNK ? 'symlink' : 'file';
}

/** Visits every entry in order, one at a time; an error from `visit` or from the zip stops the walk. */
export function walkZip(zip: ZipFile, visit: (item: ZipItem) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      reject(err instanceof FsError ? err : new FsError('unsafe_archive', `The archive was refused: ${err instanceof Error ? err.message : String(err)}`));
    };
    zip.on('error', fail);
    zip.on('end', () => { if (!failed) resolve(); });
    zip.on('entry', (entry: Entry) => {
      const item: ZipItem = {
        entry,
        kind: kindOf(entry),
        open: () => new Promise((res, rej) => zip.openReadStream(entry, (e, s) => (e || !s ? rej(e ?? new Error('no stream')) : res(s)))),
      };
      visit(item).then(() => { if (!failed) zip.readEntry(); }, fail);
    });
    zip.readEntry();
  });
}

/** Reads a small entry (a symlink's target) whole, refusing anything longer than `max`. */
export async function readSmallEntry(zip: ZipFile, entry: Entry, max: number): Promise<Buffer> {
  if (entry.uncompressedSize > max) throw new FsError('unsafe_archive', `The archive was refused: the link "${entry.fileName}" is too long.`);
  const stream = await new Promise<Readable>((res, rej) => zip.openReadStream(entry, (e, s) => (e || !s ? rej(e ?? new Error('no stream')) : res(s))));
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
