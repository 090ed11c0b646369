/**
 * Wings' file routes (`/api/servers/{uuid}/files/*`) on a fake node's volume: Wings' request shapes, its stat
 * objects (`name, created, modified, mode, mode_bits, size, directory, file, symlink, mime`) and its answers
 * (204 for changes, 400/404 with `{error}` for bad requests).
 */
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import * as tar from 'tar';
import type { FakeServer } from './fake-server';

export class WingsFileError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** A server-relative path resolved inside the volume; `..` past the root is refused as Wings does. */
export function inVolume(server: FakeServer, p: string): string {
  const full = path.resolve(server.volume, `./${path.posix.normalize(`/${p}`)}`);
  if (full !== server.volume && !full.startsWith(server.volume + path.sep)) throw new WingsFileError(400, 'Cannot access files outside of the server root.');
  return full;
}

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
      const from = inVolume(s, path.posix.join(root, f.from));
      const to = inVolume(s, path.posix.join(root, f.to));
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
    for (const f of files(req)) rmSync(inVolume(s, path.posix.join(root, String(f))), { recursive: true, force: true });
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
    await tar.extract({ file, cwd: inVolume(s, root) });
    res.status(204).end();
  });
  return router;
}
