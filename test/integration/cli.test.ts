import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../factories/database';

const ROOT = path.resolve(import.meta.dirname, '../..');
let database: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-cli-'));
});
afterAll(async () => {
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

describe('the CLI', () => {
  it('migrates, creates a user and a server, each printed as one line of JSON', async () => {
    expect((await cli('migrate')).code).toBe(0);
    const user = await cli('user:create', '--email', 'Op@Example.com', '--username', 'op', '--password', 'longenough1', '--admin');
    expect(user.code).toBe(0);
    const u = JSON.parse(user.stdout.trim());
    expect(u).toMatchObject({ email: 'op@example.com', username: 'op', root_admin: true });
    expect(u.uuid).toMatch(/^[0-9a-f-]{36}$/);
    // An operator's admin is a super-admin (docs/admin.md).
    const [roles] = await database.handle.pool.query(
      'SELECT r.name FROM admin_role_users ru JOIN admin_roles r ON r.id = ru.role_id JOIN users u ON u.id = ru.user_id WHERE u.uuid = ?', [u.uuid]);
    expect(roles).toEqual([{ name: 'super-admin' }]);
    const server = await cli('server:create', '--owner', 'op@example.com', '--name', 'Survival');
    expect(server.code).toBe(0);
    const s = JSON.parse(server.stdout.trim());
    expect(s.identifier).toBe(s.uuid.slice(0, 8));
    expect(server.stdout.trim().split('\n')).toHaveLength(1);
  }, 120_000);

  it('exits 1 with a one-line reason on bad input', async () => {
    const dup = await cli('user:create', '--email', 'op@example.com', '--username', 'op2', '--password', 'longenough1');
    expect(dup.code).toBe(1);
    expect(dup.stderr.trim()).toMatch(/already exists/);
    const owner = await cli('server:create', '--owner', 'nobody@example.com', '--name', 'X');
    expect(owner.code).toBe(1);
    expect(owner.stderr.trim()).toMatch(/No account exists/);
    const email = await cli('user:create', '--email', 'not-an-email', '--username', 'x', '--password', 'longenough1');
    expect(email.code).toBe(1);
    expect(email.stderr.trim()).toMatch(/email/);
    expect(email.stderr.trim().split('\n')).toHaveLength(1);
  });
});
