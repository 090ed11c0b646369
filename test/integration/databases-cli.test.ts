import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureHostAdmin } from '@db/hosts/host-databases';
import { openDatabase } from '@db/client';
import { resolveSecrets } from '@server/secrets';
import { loadConfig } from '@server/config';
import { openHostPassword } from '@server/services/databases/secrets';
import { createTestDatabase, type TestDatabase } from '../factories/database';
import { rootConnection, testServerAddress } from '../factories/databases';

/** `database-host:create|list|delete` run as an operator runs them: a child process, one line of JSON out. */
const ROOT = path.resolve(import.meta.dirname, '../..');
let database: TestDatabase;
let dataDir: string;
const admin = `cohost_t_${randomBytes(4).toString('hex')}`;
const password = `Cli-${randomBytes(9).toString('base64url')}`;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-dbcli-'));
  const root = await rootConnection();
  await ensureHostAdmin(root, { username: admin, remote: '127.0.0.1', password });
  await root.end();
});
afterAll(async () => {
  const root = await rootConnection();
  await root.query('DROP USER IF EXISTS ?@?', [admin, '127.0.0.1']);
  await root.end();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'server/bin/cohost.mjs'), ...args], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: database.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe('database-host commands', () => {
  it('create checks the admin account, seals its password with APP_KEY, then list and delete', async () => {
    const { host, port } = testServerAddress();
    const made = await cli('database-host:create', '--name', 'main', '--host', host, '--port', String(port),
      '--username', admin, '--password', password, '--max-databases', '50');
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout.trim())).toMatchObject({ name: 'main', host, port, username: admin, max_databases: 50, node_id: null, managed: false });
    expect(made.stdout).not.toContain(password);

    const handle = openDatabase(database.url);
    const [rows] = await handle.pool.query('SELECT password FROM database_hosts WHERE name = ?', ['main']);
    await handle.close();
    const sealed = (rows as Array<{ password: string }>)[0]?.password ?? '';
    expect(sealed).not.toContain(password);
    const appKey = resolveSecrets(loadConfig({ DATA_DIR: dataDir })).appKey;
    expect(openHostPassword(appKey, sealed)).toBe(password);

    const listed = await cli('database-host:list');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout.trim()).hosts).toEqual([expect.objectContaining({ name: 'main', databases: 0 })]);

    const deleted = await cli('database-host:delete', '--name', 'main');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout.trim())).toEqual({ deleted: 'main' });
  }, 240_000);

  // Each CLI run is a cold Node start: the checks are few on purpose (the rules live in the services' tests).
  it('refuses a host it cannot sign in to, with one line of reason', async () => {
    const { host, port } = testServerAddress();
    const wrong = await cli('database-host:create', '--name', 'bad', '--host', host, '--port', String(port), '--username', admin, '--password', 'wrong');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toMatch(/refused its admin account's sign-in/);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
  }, 240_000);
});
