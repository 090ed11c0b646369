import { createReadStream } from 'node:fs';
import { mkdir, open, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Parser, extract as tarExtract, type ReadEntry } from 'tar';
import { FsError } from './errors';
import type { Jail } from './jail';
import { openZip, readSmallEntry, walkZip } from './zip-read';
import { writeAtomically } from './write-file';

const MAX_ENTRIES = 100_000;
const TAR_ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

export interface PlannedEntry {
  readonly name: string;
  readonly kind: 'file' | 'directory' | 'symlink' | 'hardlink';
  readonly size: number;
  readonly linkTarget?: string;
}

const unsafe = (detail: string) => new FsError('unsafe_archive', `The archive was refused: ${detail}`);

/** Checks an entry name and returns it relative (no leading `/`, no `..`, no NUL, no drive letters). */
export function safeEntryName(name: string): string {
  if (name.includes('\0') || name.includes('\\')) throw unsafe(`the entry "${name}" has an invalid name.`);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) throw unsafe(`the entry "${name}" has an absolute path.`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw unsafe(`the entry "${name}" leads outside the destination.`);
  return parts.join('/');
}

/** A symlink's target, lexically resolved from the entry's directory, must stay inside the server root. */
export function checkLinkTarget(destRel: string, entry: string, target: string, hard: boolean): void {
  if (target.includes('\0') || target.startsWith('/')) throw unsafe(`the link "${entry}" points to an absolute path.`);
  const from = hard ? destRel : path.posix.join(destRel, path.posix.dirname(entry));
  const resolved = path.posix.normalize(path.posix.join(from, target));
  if (resolved === '..' || resolved.startsWith('../')) throw unsafe(`the link "${entry}" points outside the server.`);
}

/** Reads every tar header (data skipped) and returns the plan; stops early past the size or entry limits. */
function scanTar(hostFile: string, maxBytes: number): Promise<PlannedEntry[]> {
  return new Promise((resolve, reject) => {
    const plan: PlannedEntry[] = [];
    let total = 0;
    const input = createReadStream(hostFile);
    const fail = (err: unknown) => { input.destroy(); reject(err); };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        try {
          if (!TAR_ALLOWED.has(entry.type)) throw unsafe(`the entry "${entry.path}" is a ${entry.type}, which is not allowed.`);
          const name = safeEntryName(entry.path);
          total += entry.size ?? 0;
          if (total > maxBytes) throw new FsError('too_large', `The archive expands to more than the limit of ${maxBytes} bytes.`);
          if (plan.length >= MAX_ENTRIES) throw unsafe(`it has more than ${MAX_ENTRIES} entries.`);
          const kind = entry.type === 'Directory' ? 'directory' : entry.type === 'SymbolicLink' ? 'symlink' : entry.type === 'Link' ? 'hardlink' : 'file';
          plan.push({ name, kind, size: entry.size ?? 0, ...(entry.linkpath ? { linkTarget: entry.linkpath } : {}) });
        } catch (err) {
          fail(err);
        }
        entry.resume();
      },
    });
    parser.on('error', (err: Error) => fail(new FsError('unsafe_archive', `The archive could not be read: ${err.message}`)));
    parser.on('end', () => resolve(plan));
    input.on('error', fail);
    input.pipe(parser);
  });
}

async function scanZip(hostFile: string, maxBytes: number): Promise<PlannedEntry[]> {
  const plan: PlannedEntry[] = [];
  let total = 0;
  const zip = await openZip(hostFile);
  try {
    await walkZip(zip, async (item) => {
      const name = safeEntryName(item.entry.fileName);
      total += item.entry.uncompressedSize;
      if (total > maxBytes) throw new FsError('too_large', `The archive expands to more than the limit of ${maxBytes} bytes.`);
      if (plan.length >= MAX_ENTRIES) throw unsafe(`it has more than ${MAX_ENTRIES} entries.`);
      if (item.kind === 'symlink') {
        const target = (await readSmallEntry(zip, item.entry, 4096)).toString('utf8');
        plan.push({ name, kind: 'symlink', size: 0, linkTarget: target });
      } else {
        plan.push({ name, kind: item.kind, size: item.entry.uncompressedSize });
      }
    });
  } finally {
    zip.close();
  }
  return plan;
}

/** Every planned path must resolve inside the root through links that already exist (jail), links must stay inside. */
async function checkPlan(jail: Jail, destRel: string, plan: readonly PlannedEntry[]): Promise<void> {
  for (const e of plan) {
    if (e.kind === 'symlink' || e.kind === 'hardlink') checkLinkTarget(destRel, e.name, e.linkTarget ?? '', e.kind === 'hardlink');
    if (e.name === '') continue;
    await jail.resolve(`${destRel}/${e.name}`, { followFinal: false });
  }
}

async function detect(hostFile: string): Promise<'zip' | 'tar'> {
  const handle = await open(hostFile, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50 ? 'zip' : 'tar';
  } finally {
    await handle.close();
  }
}

/**
 * Extracts an archive (tar, tar.gz, zip) into `destRel` (server-relative). The whole archive is checked first —
 * names, link targets, entry types, total size — and refused before anything is written if any entry is unsafe;
 * extraction then repeats the checks per entry (jail on every write).
 */
export async function extractArchive(jail: Jail, hostFile: string, destRel: string, maxBytes: number): Promise<readonly PlannedEntry[]> {
  const dest = destRel.replace(/^\/+|\/+$/g, '');
  const destHost = await jail.resolve(dest);
  if ((await detect(hostFile)) === 'tar') {
    const plan = await scanTar(hostFile, maxBytes);
    await checkPlan(jail, dest, plan);
    const allowed = new Set(plan.map((p) => p.name));
    await tarExtract({
      file: hostFile, cwd: destHost, strict: true, preservePaths: false, preserveOwner: false, noChmod: true,
      filter: (p, entry) => {
        // Permission bits only: no setuid, setgid or sticky bits from an archive.
        if ('mode' in entry && typeof entry.mode === 'number') (entry as { mode: number }).mode &= 0o777;
        try { return allowed.has(safeEntryName(p)); } catch { return false; }
      },
    });
    return plan;
  }
  const plan = await scanZip(hostFile, maxBytes);
  await checkPlan(jail, dest, plan);
  const links = new Map(plan.filter((e) => e.kind === 'symlink').map((e) => [e.name, e.linkTarget ?? '']));
  const zip = await openZip(hostFile);
  let budget = maxBytes;
  try {
    await walkZip(zip, async (item) => {
      const name = safeEntryName(item.entry.fileName);
      if (name === '') return;
      const host = await jail.resolve(`${dest}/${name}`, { followFinal: false });
      if (item.kind === 'directory') { await mkdir(host, { recursive: true }); return; }
      await mkdir(path.dirname(host), { recursive: true });
      if (item.kind === 'symlink') { await replaceWithLink(host, links.get(name) ?? ''); return; }
      await writeAtomically(host, await item.open(), budget);
      budget -= item.entry.uncompressedSize;
    });
  } finally {
    zip.close();
  }
  return plan;
}

async function replaceWithLink(host: string, target: string): Promise<void> {
  try {
    await symlink(target, host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await unlink(host);
    await symlink(target, host);
  }
}
