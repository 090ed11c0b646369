import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MissingMariadbError, startPrivateMariadb } from '@db/private-mariadb';
import { HttpClient } from '../factories/http';

/** `npm start` as a person runs it: no DATABASE_URL, so it starts (and must stop) a private MariaDB of its own. */
const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started { child: ChildProcess; port: number; output: () => string }

function start(): Promise<Started> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SFTP_PORT: '0', SFTP_HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(ROOT, 'server/bin/start.mjs')], { cwd: ROOT, env });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on http:\/\/localhost:(\d+)/.exec(out);
      if (m) { clearInterval(timer); resolve({ child, port: Number(m[1]), output: () => out }); }
    }, 100);
    child.once('exit', (code) => { clearInterval(timer); reject(new Error(`npm start exited ${code}: ${out}`)); });
  });
}

function stop(s: Started): Promise<number | null> {
  return new Promise((resolve) => { s.child.once('exit', (code) => resolve(code)); s.child.kill('SIGINT'); });
}

/** mariadbd processes whose data directory is ours. */
function ourMariadbs(): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`--datadir=${path.join(dataDir, 'mysql')}`); } catch { return false; }
  });
}

describe('npm start', () => {
  it('serves the UI and a healthy API on a private MariaDB, seeds a demo once, reuses its data, and leaves nothing running', async () => {
    const first = await start();
    const http = new HttpClient(`http://127.0.0.1:${first.port}`);
    expect((await http.get('/api/health')).body).toEqual({ ok: true, db: 'up' });
    expect((await http.get('/')).text).toContain('<div id="app">');
    const password = /password: (\S+)/.exec(first.output())?.[1];
    expect(password).toBeTruthy();
    expect(ourMariadbs()).toHaveLength(1);
    expect(await stop(first)).toBe(0);
    expect(ourMariadbs()).toEqual([]);

    const second = await start();
    expect(second.output()).not.toContain('A demo account was created');
    const again = new HttpClient(`http://127.0.0.1:${second.port}`);
    expect((await again.login('owner@cohost.local', password ?? '')).status).toBe(200);
    const servers = await again.get('/api/client');
    expect(servers.body.data.map((s: { attributes: { name: string } }) => s.attributes.name)).toEqual(['Demo Server']);
    expect(await stop(second)).toBe(0);
    expect(ourMariadbs()).toEqual([]);
  }, 120_000);

  it('without a mariadbd on the machine, says how to install one or set DATABASE_URL', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'cohost-nobin-'));
    try {
      const failure = await startPrivateMariadb(path.join(empty, 'mysql'), 'cohost', [empty]).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(MissingMariadbError);
      expect((failure as Error).message).toMatch(/apt-get install mariadb-server/);
      expect((failure as Error).message).toMatch(/DATABASE_URL/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
