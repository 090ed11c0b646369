/**
 * Wings' file routes (`/api/servers/{uuid}/files/*`) on a fake node's volume: Wings' request shapes, its stat
 * objects (`name, created, modified, mode, mode_bits, size, directory, file, symlink, mime`) and its answers
 * (204 for changes, 400/404 with `{error}` for bad requests).
 */
import { chmodSync, closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import * as tar from 'tar';
import yauzl from 'yauzl';
import type { FakeServer } from './fake-server';

export class WingsFileError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const OUTSIDE = 'Cannot perform that action: file is outside of the server root.';
const within = (root: string, full: string) => full === root || full.startsWith(root + path.sep);

/**
 * A server-relative path resolved inside the volume as Wings' SafePath does: lexically cleaned against the root,
 * then the real path of the deepest existing component (symbolic links followed) must stay inside the volume.
 * `followFinal: false` judges a final symlink itself, not its target (delete and rename act on the link).
 */
export function inVolume(server: FakeServer, p: string, options: { followFinal?: boolean } = {}): string {
  const root = realpathSync(server.volume);
  const full = path.resolve(root, `./${path.posix.normalize(`/${p}`)}`);
  if (!within(root, full)) throw new WingsFileError(400, OUTSIDE);
  let probe = options.followFinal === false ? path.dirname(full) : full;
  while (!existsSync(probe) && probe !== root) probe = path.dirname(probe);
  if (!within(root, realpathSync(probe))) throw new WingsFileError(400, OUTSIDE);
  return full;
}

/** Every entry of an archive (and every link target) must stay inside `dest`; nothing is written otherwise. */
async function checkArchive(file: string, dest: string): Promise<void> {
  const bad: string[] = [];
  await tar.list({
    file, onReadEntry: (e) => {
      const at = path.resolve(dest, e.path);
      if (!within(dest, at)) bad.push(e.path);
      const link = e.linkpath ? path.resolve(path.dirname(at), e.linkpath) : null;
      if (link && !within(dest, link)) bad.push(e.path);
    },
  });
  if (bad.length) throw new WingsFileError(400, `Cannot extract archive: ${bad[0]} points outside of the server root.`);
}

interface ZipRecord { readonly name: string; readonly kind: 'file' | 'directory' | 'symlink'; readonly data: Buffer }

/** Every entry of a zip, read whole (the fake's archives are small), in order. */
function readZip(file: string): Promise<ZipRecord[]> {
  return new Promise((resolve, reject) => {
    // Names undecoded: yauzl would refuse a `../` name itself, and the fake judges names as Wings does, below.
    yauzl.open(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) { reject(err ?? new Error('unreadable zip')); return; }
      const out: ZipRecord[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = (entry.fileName as unknown as Buffer).toString('utf8');
        const mode = (entry.externalFileAttributes >>> 16) & 0o170000;
        const kind = name.endsWith('/') ? 'directory' : mode === 0o120000 ? 'symlink' : 'file';
        if (kind === 'directory') { out.push({ name, kind, data: Buffer.alloc(0) }); zip.readEntry(); return; }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) { reject(e ?? new Error('no stream')); return; }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => { out.push({ name, kind, data: Buffer.concat(chunks) }); zip.readEntry(); });
        });
      });
      zip.readEntry();
    });
  });
}

/** Wings extracts zips too (its archiver reads zip as well as tar): the same check first, then every entry written. */
async function extractZip(file: string, dest: string): Promise<void> {
  const records = await readZip(file).catch(() => {
    throw new WingsFileError(400, 'Cannot extract archive: the file is not an archive Wings can read.');
  });
  for (const r of records) {
    const at = path.resolve(dest, r.name);
    const link = r.kind === 'symlink' ? path.resolve(path.dirname(at), r.data.toString('utf8')) : null;
    if (!within(dest, at) || (link && !within(dest, link))) throw new WingsFileError(400, `Cannot extract archive: ${r.name} points outside of the server root.`);
  }
  for (const r of records) {
    const at = path.resolve(dest, r.name);
    if (r.kind === 'directory') { mkdirSync(at, { recursive: true }); continue; }
    mkdirSync(path.dirname(at), { recursive: true });
    if (r.kind === 'symlink') symlinkSync(r.data.toString('utf8'), at);
    else writeFileSync(at, r.data);
  }
}

const isZip = (file: string): boolean => {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try { readSync(fd, head, 0, 4, 0); } finally { closeSync(fd); }
  return head.readUInt32LE(0) === 0x04034b50;
};

function modeString(st: Stats): string {
  const kind = st.isSymbolicLink() ? 'l' : st.isDirectory() ? 'd' : '-';
  const bits = st.mode & 0o777;
  const rwx = ['r', 'w', 'x'];
  return kind + Array.from({ length: 9 }, (_, i) => ((bits >> (8 - i)) & 1 ? rwx[i % 3] : '-')).join('');
}

export function statObject(name: string, full: string) {
  const st = lstatSync(full);
  return {
    name, created: st.birthtime.toISOString(), modified: st.mtime.toISOString(), mode: modeString(st),
    mode_bits: (st.mode & 0o777).toString(8), size: st.size, directory: st.isDirectory(), file: st.isFile(),
    symlink: st.isSymbolicLink(), mime: st.isDirectory() ? 'inode/directory' : 'text/plain; charset=utf-8',
  };
}

function must(full: string): void {
  if (!existsSync(full)) throw new WingsFileError(404, 'The requested resource was not found on the system.');
}

type Handler = (server: FakeServer, req: Request, res: Response) => Promise<void> | void;

export function fileRoutes(serverOf: (req: Request) => FakeServer): Router {
  const router = express.Router({ mergeParams: true });
  const on = (method: 'get' | 'post' | 'put', p: string, fn: Handler) => router[method](p, async (req, res) => {
    try { await fn(serverOf(req), req, res); } catch (err) {
      const status = err instanceof WingsFileError ? err.status : 500;
      res.status(status).json({ error: err instanceof Error ? err.message : 'error' });
    }
  });
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  const files = (req: Request) => (Array.isArray(body(req).files) ? body(req).files as unknown[] : []);

  on('get', '/list-directory', (s, req, res) => {
    const dir = inVolume(s, String(req.query.directory ?? '/'));
    must(dir);
    if (!lstatSync(dir).isDirectory()) throw new WingsFileError(400, 'The requested resource is not a directory.');
    res.json(readdirSync(dir).map((n) => statObject(n, path.join(dir, n))));
  });
  on('get', '/contents', (s, req, res) => {
    const file = inVolume(s, String(req.query.file ?? ''));
    must(file);
    if (lstatSync(file).isDirectory()) throw new WingsFileError(400, 'Cannot perform that action: file is a directory.');
    res.type('text/plain').send(readFileSync(file));
  });
  on('post', '/write', (s, req, res) => {
    const file = inVolume(s, String(req.query.file ?? ''));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    res.status(204).end();
  });
  on('post', '/create-directory', (s, req, res) => {
    mkdirSync(inVolume(s, path.posix.join(String(body(req).path ?? '/'), String(body(req).name ?? ''))), { recursive: true });
    res.status(204).end();
  });
  on('put', '/rename', (s, req, res) => {
    const root = String(body(req).root ?? '/');
    for (const f of files(req) as { from: string; to: string }[]) {
      const from = inVolume(s, path.posix.join(root, f.from), { followFinal: false });
      const to = inVolume(s, path.posix.join(root, f.to), { followFinal: false });
      must(from);
      if (existsSync(to)) throw new WingsFileError(400, 'Cannot move or rename file, destination already exists.');
      mkdirSync(path.dirname(to), { recursive: true });
      renameSync(from, to);
    }
    res.status(204).end();
  });
  on('post', '/copy', (s, req, res) => {
    const from = inVolume(s, String(body(req).location ?? ''));
    must(from);
    const ext = path.extname(from);
    let n = 0;
    let to: string;
    do { to = `${from.slice(0, from.length - ext.length)} copy${n ? ` ${n + 1}` : ''}${ext}`; n++; } while (existsSync(to));
    copyFileSync(from, to);
    res.status(204).end();
  });
  on('post', '/delete', (s, req, res) => {
    const root = String(body(req).root ?? '/');
    for (const f of files(req)) rmSync(inVolume(s, path.posix.join(root, String(f)), { followFinal: false }), { recursive: true, force: true });
    res.status(204).end();
  });
  on('post', '/chmod', (s, req, res) => {
    const root = String(body(req).root ?? '/');
    for (const f of files(req) as { file: string; mode: string | number }[]) {
      const full = inVolume(s, path.posix.join(root, f.file));
      must(full);
      chmodSync(full, parseInt(String(f.mode), 8));
    }
    res.status(204).end();
  });
  on('post', '/compress', async (s, req, res) => {
    const root = String(body(req).root ?? '/');
    const name = `archive-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`;
    await tar.create({ gzip: true, cwd: inVolume(s, root), file: inVolume(s, path.posix.join(root, name)) }, files(req).map(String));
    res.json(statObject(name, inVolume(s, path.posix.join(root, name))));
  });
  on('post', '/decompress', async (s, req, res) => {
    const root = String(body(req).root ?? '/');
    const file = inVolume(s, path.posix.join(root, String(body(req).file ?? '')));
    must(file);
    if (isZip(file)) {
      await extractZip(file, inVolume(s, root));
      res.status(204).end();
      return;
    }
    await checkArchive(file, inVolume(s, root)).catch((err: unknown) => {
      throw err instanceof WingsFileError ? err : new WingsFileError(400, 'Cannot extract archive: the file is not an archive Wings can read.');
    });
    await tar.extract({ file, cwd: inVolume(s, root) });
    res.status(204).end();
  });
  return router;
}
