import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A private MariaDB for a fresh machine: the system's `mariadbd` in a data directory of our own, so `npm start` and
 * `npm test` need no configured database server. Whoever starts it stops it; a second caller finds it running
 * (DATA_DIR/mysql/cohost-owner.json) and reuses it.
 */
export class MissingMariadbError extends Error {
  constructor() {
    super(
      'No MariaDB server binary (mariadbd) was found on this machine. Install one with ' +
        '`apt-get install mariadb-server`, or set DATABASE_URL=mysql://user:pass@host:3306/cohost to use an existing server.',
    );
  }
}

export interface PrivateMariadb {
  readonly url: string;
  readonly port: number;
  /** True when this process started the server (and so must stop it). */
  readonly owned: boolean;
  stop(): Promise<void>;
}

const SEARCH = ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/mysql/bin'];

function findBinary(name: string, searchDirs?: readonly string[]): string | null {
  const dirs = searchDirs ?? [...(process.env.PATH ?? '').split(path.delimiter), ...SEARCH];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `searchDirs` replaces PATH and the usual sbin folders when looking for the server binaries; `fixedPort` restarts a
 * server on the port an earlier one had (outage tests).
 */
export async function startPrivateMariadb(dataDir: string, database = 'cohost', searchDirs?: readonly string[], fixedPort?: number): Promise<PrivateMariadb> {
  const mariadbd = findBinary('mariadbd', searchDirs) ?? findBinary('mysqld', searchDirs);
  if (!mariadbd) throw new MissingMariadbError();
  const dir = path.resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const ownerFile = path.join(dir, 'cohost-owner.json');
  const urlFor = (port: number) => `mysql://root@127.0.0.1:${port}/${database}`;

  if (existsSync(ownerFile)) {
    const owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid: number; port: number };
    if (alive(owner.pid) && (await canConnect(owner.port))) {
      return { url: urlFor(owner.port), port: owner.port, owned: false, stop: async () => {} };
    }
    rmSync(ownerFile, { force: true });
  }

  const user = os.userInfo().username;
  if (!existsSync(path.join(dir, 'mysql'))) {
    const installer = findBinary('mariadb-install-db', searchDirs) ?? findBinary('mysql_install_db', searchDirs);
    if (!installer) throw new MissingMariadbError();
    const res = spawnSync(installer, [
      '--no-defaults', `--user=${user}`, `--datadir=${dir}`, '--auth-root-authentication-method=normal', '--skip-test-db',
    ], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`mariadb-install-db failed: ${res.stderr || res.stdout}`);
  }

  const port = fixedPort ?? await freePort();
  // A unix socket path must stay under ~100 bytes; deep data directories fall back to the temp directory.
  let socket = path.join(dir, 'mysqld.sock');
  if (socket.length > 100) socket = path.join(os.tmpdir(), `cohost-mysqld-${port}.sock`);
  const log = openSync(path.join(dir, 'mariadbd.log'), 'a');
  const child: ChildProcess = spawn(mariadbd, [
    '--no-defaults', `--user=${user}`, `--datadir=${dir}`, `--socket=${socket}`, `--port=${port}`,
    '--bind-address=127.0.0.1', '--skip-log-bin', '--skip-name-resolve', '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci', '--innodb-buffer-pool-size=64M', '--max-connections=500',
    `--pid-file=${path.join(dir, 'mariadbd.pid')}`,
  ], { stdio: ['ignore', log, log], detached: true }); // own process group: Ctrl-C reaches us, and we stop it in order

  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => { exited = true; resolve(); }));
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(port))) {
    if (exited) throw new Error(`mariadbd exited during start; see ${path.join(dir, 'mariadbd.log')}`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('mariadbd did not accept connections within 60 s'); }
    await sleep(50);
  }
  writeFileSync(ownerFile, JSON.stringify({ pid: child.pid, port }));

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exitedPromise;
    clearTimeout(timer);
    rmSync(ownerFile, { force: true });
  };
  return { url: urlFor(port), port, owned: true, stop };
}
