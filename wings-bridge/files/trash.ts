import { randomBytes } from 'node:crypto';
import { cp, lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TrashEntry } from './types';

interface TrashMeta {
  readonly name: string;
  readonly originalPath: string;
  readonly deletedAt: string;
  readonly size: number;
  readonly isFile: boolean;
}

/**
 * The per-server trash, a directory outside the served root (so neither listings nor SFTP reach it). Each deleted
 * item lives in `<dir>/<id>/<name>` with `<dir>/<id>.json` beside it; the id starts with a UTC timestamp, so names
 * sort by deletion time and never collide.
 */
export class Trash {
  constructor(readonly dir: string) {}

  private newId(now: Date): string {
    return `${now.toISOString().replace(/[-:]/g, '').replace('.', '')}-${randomBytes(4).toString('hex')}`;
  }

  /** Moves `hostPath` (already jailed, not followed) into the trash. */
  async put(hostPath: string, originalPath: string, now = new Date()): Promise<TrashEntry> {
    const st = await lstat(hostPath);
    const id = this.newId(now);
    const name = path.basename(hostPath);
    await mkdir(path.join(this.dir, id), { recursive: true, mode: 0o700 });
    const target = path.join(this.dir, id, name);
    try {
      await rename(hostPath, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await cp(hostPath, target, { recursive: true, verbatimSymlinks: true });
      await rm(hostPath, { recursive: true, force: true });
    }
    const meta: TrashMeta = { name, originalPath, deletedAt: now.toISOString(), size: st.size, isFile: st.isFile() };
    await writeFile(path.join(this.dir, `${id}.json`), JSON.stringify(meta), { mode: 0o600 });
    return { id, ...meta, deletedAt: now };
  }

  async list(): Promise<TrashEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: TrashEntry[] = [];
    for (const file of names.filter((n) => n.endsWith('.json')).sort().reverse()) {
      try {
        const meta = JSON.parse(await readFile(path.join(this.dir, file), 'utf8')) as TrashMeta;
        out.push({ id: file.slice(0, -5), ...meta, deletedAt: new Date(meta.deletedAt) });
      } catch {
        // A half-written entry (crash between rename and meta) is skipped; `empty` still removes it.
      }
    }
    return out;
  }

  async empty(): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    await Promise.all(names.map((n) => rm(path.join(this.dir, n), { recursive: true, force: true })));
    return names.filter((n) => n.endsWith('.json')).length;
  }
}
