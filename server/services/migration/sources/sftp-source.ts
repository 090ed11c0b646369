import { createHash } from 'node:crypto';
import path from 'node:path';
import { Transform } from 'node:stream';
import ssh2 from 'ssh2';
import type { FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import { checkLinkTarget } from '@bridge/files/archive-extract';
import type { FileReceiver } from '@bridge/files/receive';
import { MigrationError } from '../errors';
import type { SftpSourceInput, SourceCredentials } from '../inputs';
import type { Progress } from '../progress';
import { resolveSourceHost } from '../source-guard';

// ssh2 is CommonJS: its named exports are not visible to Node's ESM loader, so take them off the default.
const { Client } = ssh2;

const MAX_ENTRIES = 200_000;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

interface Planned {
  readonly rel: string;
  readonly remote: string;
  readonly kind: 'directory' | 'file' | 'symlink';
  readonly size: number;
  readonly mode: number;
  readonly target?: string;
}

export interface SftpSourceOptions {
  readonly allowPrivate: boolean;
  readonly connectTimeoutMs: number;
  readonly signal: AbortSignal;
  /** Called with the host key fingerprint seen (`SHA256:…`), to record it in the history. */
  readonly onFingerprint: (fingerprint: string) => void;
}

const call = <T>(fn: (cb: (err: Error | null | undefined, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

/** A remote name must be one plain path component: no separators, NUL, `.` or `..` (a hostile server may send them). */
function checkName(name: string, dir: string): void {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new MigrationError(`The source sent an unsafe file name in ${dir}: ${JSON.stringify(name)}.`);
  }
}

async function scan(sftp: SFTPWrapper, root: string, rootStats: Stats, signal: AbortSignal): Promise<Planned[]> {
  const plan: Planned[] = [];
  if ((rootStats.mode & S_IFMT) === S_IFREG) {
    return [{ rel: path.posix.basename(root), remote: root, kind: 'file', size: rootStats.size, mode: rootStats.mode & 0o777 }];
  }
  const queue: Array<{ remote: string; rel: string }> = [{ remote: root, rel: '' }];
  while (queue.length) {
    signal.throwIfAborted();
    const dir = queue.shift() as { remote: string; rel: string };
    const entries = await call<FileEntryWithStats[]>((cb) => sftp.readdir(dir.remote, cb));
    for (const e of entries) {
      if (e.filename === '.' || e.filename === '..') continue;
      checkName(e.filename, dir.rel || '/');
      const rel = dir.rel ? `${dir.rel}/${e.filename}` : e.filename;
      const remote = path.posix.join(dir.remote, e.filename);
      const type = e.attrs.mode & S_IFMT;
      if (plan.length >= MAX_ENTRIES) throw new MigrationError(`The source has more than ${MAX_ENTRIES} entries.`);
      if (type === S_IFDIR) {
        plan.push({ rel, remote, kind: 'directory', size: 0, mode: e.attrs.mode & 0o777 });
        queue.push({ remote, rel });
      } else if (type === S_IFREG) {
        plan.push({ rel, remote, kind: 'file', size: e.attrs.size, mode: e.attrs.mode & 0o777 });
      } else if (type === S_IFLNK) {
        const target = await call<string>((cb) => sftp.readlink(remote, cb));
        // The rules of §8 for links: relative, and leading nowhere outside the root once resolved from its directory.
        checkLinkTarget('', rel, target, false);
        plan.push({ rel, remote, kind: 'symlink', size: 0, mode: 0o777, target });
      }
      // Devices, FIFOs and sockets are not files a server needs: left out.
    }
  }
  return plan;
}

function connect(input: SftpSourceInput, credentials: SourceCredentials, host: string, options: SftpSourceOptions) {
  return new Promise<{ client: InstanceType<typeof Client>; sftp: SFTPWrapper }>((resolve, reject) => {
    const client = new Client();
    const onAbort = () => { client.end(); reject(options.signal.reason instanceof Error ? options.signal.reason : new MigrationError('The migration was stopped.')); };
    options.signal.addEventListener('abort', onAbort, { once: true });
    client.once('error', (err) => { options.signal.removeEventListener('abort', onAbort); reject(err); });
    client.once('ready', () => {
      options.signal.removeEventListener('abort', onAbort);
      client.sftp((err, sftp) => (err ? reject(err) : resolve({ client, sftp })));
    });
    client.connect({
      host, port: input.port, username: input.username, readyTimeout: options.connectTimeoutMs,
      ...(credentials.password !== undefined ? { password: credentials.password } : {}),
      ...(credentials.privateKey !== undefined ? { privateKey: credentials.privateKey } : {}),
      ...(credentials.passphrase !== undefined ? { passphrase: credentials.passphrase } : {}),
      hostVerifier: (key: Buffer) => {
        const fingerprint = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
        options.onFingerprint(fingerprint);
        return !input.fingerprint || input.fingerprint.replace(/=+$/, '') === fingerprint;
      },
    });
  });
}

/**
 * Copies a directory tree (or one file) from an SFTP server into the server's root with ssh2's client. The whole
 * tree is listed first — names, link targets and total size checked — so an unsafe or oversized source is refused
 * before anything is written; then directories, files and links are written through the receiver (jailed again).
 */
export async function migrateFromSftp(
  input: SftpSourceInput, credentials: SourceCredentials, receiver: FileReceiver, progress: Progress, options: SftpSourceOptions,
): Promise<void> {
  const host = await resolveSourceHost(input.host, options.allowPrivate);
  const { client, sftp } = await connect(input, credentials, host, options);
  const closeOnAbort = () => client.end();
  options.signal.addEventListener('abort', closeOnAbort, { once: true });
  try {
    const root = await call<string>((cb) => sftp.realpath(input.path, cb));
    const rootStats = await call<Stats>((cb) => sftp.stat(root, cb));
    const plan = await scan(sftp, root, rootStats, options.signal);
    const files = plan.filter((p) => p.kind === 'file');
    const total = files.reduce((n, p) => n + p.size, 0);
    if (total > receiver.remaining()) {
      throw new MigrationError(`The source holds ${total} bytes, more than the migration limit of ${receiver.remaining()} bytes.`);
    }
    progress.total(total, files.length);
    for (const item of plan) {
      options.signal.throwIfAborted();
      if (item.kind === 'directory') await receiver.directory(item.rel);
      else if (item.kind === 'symlink') await receiver.symlink(item.rel, item.target ?? '');
      else {
        const counted = new Transform({ transform(chunk: Buffer, _e, done) { progress.add(chunk.length); done(null, chunk); } });
        const remote = sftp.createReadStream(item.remote);
        remote.once('error', (err: Error) => counted.destroy(err));
        await receiver.file(item.rel, remote.pipe(counted), item.mode);
        progress.add(0, 1);
      }
    }
  } finally {
    options.signal.removeEventListener('abort', closeOnAbort);
    client.end();
  }
}
