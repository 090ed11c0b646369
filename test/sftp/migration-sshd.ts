import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real OpenSSH sshd on a loopback port, the "external host" of the SFTP migration tests: its own host key, config
 * and authorized key for the current user (root here, hence PermitRootLogin, UsePAM no, StrictModes no). sshd needs
 * its privilege-separation directory /run/sshd; when the system has none, sshd runs in a private mount namespace with
 * a tmpfs on /run (nothing on the system changes).
 */
export interface Sshd {
  readonly port: number;
  readonly user: string;
  readonly privateKey: string;
  /** `SHA256:…` of the host key, as `ssh-keygen -l` prints it. */
  readonly fingerprint: string;
  readonly dir: string;
  stop(): Promise<void>;
}

const run = (cmd: string, args: string[]) => new Promise<string>((resolve, reject) =>
  execFile(cmd, args, (err, out) => (err ? reject(err) : resolve(out))));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Resolves once sshd sends its banner on the port. */
function ready(port: number, child: ChildProcess, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let tries = 0;
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`sshd exited: ${log()}`));
      const c = connect(port, '127.0.0.1');
      c.once('data', () => { c.destroy(); resolve(); });
      c.once('error', () => { c.destroy(); if (++tries > 200) reject(new Error(`sshd never listened: ${log()}`)); else setTimeout(attempt, 50); });
    };
    attempt();
  });
}

export async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-sshd-'));
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')]);
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_key.pub')));
  const fingerprint = (await run('ssh-keygen', ['-lf', path.join(dir, 'host_key.pub')])).split(' ')[1] ?? '';
  const port = await freePort();
  writeFileSync(path.join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${path.join(dir, 'host_key')}`, 'PidFile none',
    'PermitRootLogin yes', 'UsePAM no', 'StrictModes no', `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'PasswordAuthentication yes', 'KbdInteractiveAuthentication no', 'Subsystem sftp internal-sftp', 'LogLevel ERROR', '',
  ].join('\n'));
  const sshd = ['/usr/sbin/sshd', '-D', '-e', '-f', path.join(dir, 'sshd_config')];
  const child = existsSync('/run/sshd')
    ? spawn(sshd[0] as string, sshd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn('unshare', ['--mount', 'sh', '-c', `mount -t tmpfs tmpfs /run && mkdir -p /run/sshd && chmod 755 /run/sshd && exec ${sshd.join(' ')}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => { log += d.toString(); });
  await ready(port, child, () => log);
  return {
    port, user: os.userInfo().username, privateKey: readFileSync(path.join(dir, 'client_key'), 'utf8'), fingerprint, dir,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
