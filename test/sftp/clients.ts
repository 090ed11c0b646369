import { execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// ssh2 is CommonJS: its named exports are not visible to Node's ESM loader (tsx), so take them off the default.
import ssh2 from 'ssh2';
import type { SFTPWrapper, Stats } from 'ssh2';

const { Client } = ssh2;

/** Test helpers for the two SFTP clients the issue names: OpenSSH's `sftp` and ssh2's client. */
export const scratch = mkdtempSync(path.join(os.tmpdir(), 'cohost-sftp-client-'));

/** An ed25519 key pair made by ssh-keygen; `publicKey` is the OpenSSH line stored in `ssh_keys`. */
export async function keyPair(name: string): Promise<{ privateKeyFile: string; publicKey: string; fingerprint: string }> {
  const file = path.join(scratch, name);
  await new Promise<void>((resolve, reject) => execFile('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file], (e) => (e ? reject(e) : resolve())));
  const publicKey = readFileSync(`${file}.pub`, 'utf8').trim();
  const fingerprint = await new Promise<string>((resolve, reject) => execFile('ssh-keygen', ['-lf', `${file}.pub`], (e, out) => (e ? reject(e) : resolve(out.split(' ')[1] ?? ''))));
  return { privateKeyFile: file, publicKey, fingerprint };
}

export interface BatchResult { code: number; stdout: string; stderr: string }

/**
 * Runs OpenSSH's `sftp -b` with a batch of commands. Password logins go through SSH_ASKPASS (forced), key logins
 * through `-i`. A failing command (not prefixed with `-`) aborts the batch with a non-zero exit code.
 */
export function openSshBatch(opts: { port: number; login: string; commands: string[]; password?: string; keyFile?: string; cwd?: string; verbose?: boolean }): Promise<BatchResult> {
  const batch = path.join(scratch, `batch-${Math.random().toString(36).slice(2)}`);
  writeFileSync(batch, `${opts.commands.join('\n')}\n`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: scratch };
  const args = ['-P', String(opts.port), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
    '-o', process.env.SFTPDBG ? 'LogLevel=DEBUG3' : 'LogLevel=ERROR', '-o', 'ConnectTimeout=10'];
  if (opts.password !== undefined) {
    const askpass = path.join(scratch, `askpass-${Math.random().toString(36).slice(2)}.sh`);
    writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${opts.password.replace(/'/g, "'\\''")}'\n`);
    chmodSync(askpass, 0o700);
    Object.assign(env, { SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' });
    args.push('-o', 'BatchMode=no', '-o', 'PubkeyAuthentication=no', '-o', 'PreferredAuthentications=password', '-o', 'NumberOfPasswordPrompts=1');
  } else if (opts.keyFile) {
    args.push('-i', opts.keyFile, '-o', 'IdentitiesOnly=yes', '-o', 'PasswordAuthentication=no', '-o', 'BatchMode=yes');
  }
  // `-b` makes sftp add `BatchMode=yes`; ssh keeps the first value it sees, so our options must come before it.
  if (opts.verbose) args.push('-vvv'); // sftp's own debug lines (extensions, buffer sizes) on stderr
  args.push('-b', batch, `${opts.login}@127.0.0.1`);
  return new Promise((resolve) => {
    // stdin closed: with a pipe left open, ssh waits on it after askpass answered.
    const child = spawn('sftp', args, { env, cwd: opts.cwd ?? scratch, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), process.env.SFTPDBG ? 12_000 : 30_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, stdout, stderr }); });
  });
}

export interface Ssh2Session {
  readonly client: InstanceType<typeof Client>;
  readonly sftp: SFTPWrapper;
  readonly closed: Promise<void>;
  end(): void;
}

/** Connects ssh2's client and opens the SFTP subsystem. */
export function ssh2Connect(opts: { port: number; login: string; password?: string; privateKey?: string; debug?: (line: string) => void }): Promise<Ssh2Session> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    client.once('error', reject);
    client.once('ready', () => {
      client.sftp((err, sftp) => (err ? reject(err) : resolve({ client, sftp, closed, end: () => client.end() })));
    });
    client.connect({
      host: '127.0.0.1', port: opts.port, username: opts.login, readyTimeout: 10_000,
      ...(opts.password !== undefined ? { password: opts.password } : {}),
      ...(opts.privateKey ? { privateKey: opts.privateKey } : {}),
      ...(opts.debug ? { debug: opts.debug } : {}),
    });
  });
}

/** The ssh2 SFTP calls as promises resolving to null on success or the error's code (2 no such file, 3 denied …). */
export const op = {
  readFile: (s: SFTPWrapper, p: string) => new Promise<Buffer | number>((r) => s.readFile(p, (e: (Error & { code?: number }) | null | undefined, d: Buffer) => r(e ? (e.code ?? -1) : d))),
  writeFile: (s: SFTPWrapper, p: string, data: string) => new Promise<number | null>((r) => s.writeFile(p, data, (e) => r(e ? ((e as Error & { code?: number }).code ?? -1) : null))),
  readdir: (s: SFTPWrapper, p: string) => new Promise<string[] | number>((r) => s.readdir(p, (e, list) => r(e ? ((e as Error & { code?: number }).code ?? -1) : list.map((l) => l.filename)))),
  stat: (s: SFTPWrapper, p: string) => new Promise<Stats | number>((r) => s.stat(p, (e, st) => r(e ? ((e as Error & { code?: number }).code ?? -1) : st))),
  unlink: (s: SFTPWrapper, p: string) => new Promise<number | null>((r) => s.unlink(p, (e) => r(e ? ((e as Error & { code?: number }).code ?? -1) : null))),
  mkdir: (s: SFTPWrapper, p: string) => new Promise<number | null>((r) => s.mkdir(p, (e) => r(e ? ((e as Error & { code?: number }).code ?? -1) : null))),
  rename: (s: SFTPWrapper, a: string, b: string) => new Promise<number | null>((r) => s.rename(a, b, (e) => r(e ? ((e as Error & { code?: number }).code ?? -1) : null))),
  symlink: (s: SFTPWrapper, target: string, link: string) => new Promise<number | null>((r) => s.symlink(target, link, (e) => r(e ? ((e as Error & { code?: number }).code ?? -1) : null))),
};
