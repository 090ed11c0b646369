import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

const ROOT = path.resolve(import.meta.dirname, '../..');
let panel: TestPanel;
let token: string;
let nodeServer: ServerRow;
let localServer: ServerRow;
let member: UserRow;

/** `node:create` through the real CLI, against the panel's database. */
function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'server/bin/cohost.mjs'), ...args], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: panel.database.url, DATA_DIR: panel.dataDir, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

const wings = (t: string | null) => new HttpClient(panel.url, undefined, t ? { authorization: `Bearer ${t}` } : {});
const ask = (t: string | null, body: Record<string, unknown>) => wings(t).post('/api/remote/sftp/auth', body);

beforeAll(async () => {
  panel = await startTestPanel();
  const created = await cli('node:create', '--name', 'wings-1', '--url', 'https://wings.example.com:8080');
  expect(created.code).toBe(0);
  const out = JSON.parse(created.stdout.trim());
  token = out.token;
  const [rows] = await panel.app.pool.query('SELECT id FROM nodes WHERE uuid = ?', [out.uuid]) as unknown as [Array<{ id: number }>];
  const owner = await makeUser(panel.app.db);
  nodeServer = await makeServer(panel.app.db, owner, { nodeId: rows[0]?.id ?? null });
  localServer = await makeServer(panel.app.db, owner);
  member = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, nodeServer, member, ['file.sftp', 'file.read']);
  await makeSubuser(panel.app.db, localServer, member, ['file.sftp', 'file.read']);
});
afterAll(async () => { await panel?.close(); });

describe('POST /api/remote/sftp/auth', () => {
  it('prints the node token once, as <token_id>.<secret>', () => {
    expect(token).toMatch(/^[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
  });

  it('answers Wings with the user, the server and the permissions', async () => {
    const res = await ask(token, { type: 'password', username: `${member.username}.${nodeServer.identifier}`, password: TEST_PASSWORD, ip: '10.0.0.9', session_id: 'x', client_version: 'SSH-2.0-OpenSSH_9.2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: member.uuid, server: nodeServer.uuid, permissions: expect.arrayContaining(['file.sftp', 'file.read']) });
  });

  it('gives 403 for a wrong password, a server on another node, a member without file.sftp, and a bad or missing node token', async () => {
    const login = `${member.username}.${nodeServer.identifier}`;
    expect((await ask(token, { type: 'password', username: login, password: 'nope', ip: '10.0.0.1' })).status).toBe(403);
    expect((await ask(token, { type: 'password', username: `${member.username}.${localServer.identifier}`, password: TEST_PASSWORD, ip: '10.0.0.2' })).status).toBe(403);
    const noSftp = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, nodeServer, noSftp, ['file.read']);
    expect((await ask(token, { type: 'password', username: `${noSftp.username}.${nodeServer.identifier}`, password: TEST_PASSWORD, ip: '10.0.0.3' })).status).toBe(403);
    expect((await ask(`${token.split('.')[0]}.wrong`, { type: 'password', username: login, password: TEST_PASSWORD })).status).toBe(403);
    expect((await ask(null, { type: 'password', username: login, password: TEST_PASSWORD })).status).toBe(403);
    const [rows] = await panel.app.pool.query("SELECT COUNT(*) AS n FROM activity_logs WHERE event = 'auth:sftp.fail'") as unknown as [Array<{ n: number }>];
    expect(Number(rows[0]?.n)).toBeGreaterThanOrEqual(2);
  });

  it('accepts one of the user\'s public keys and rate-limits repeated failures per IP and username', async () => {
    const publicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKtxnB9QxWUsNb9TnpsvF1rCyiWd5BGwfpvV6O2bMvj7 test';
    await panel.app.pool.query('INSERT INTO ssh_keys (user_id, name, fingerprint, public_key, created_at) VALUES (?, ?, ?, ?, NOW(3))',
      [member.id, 'k', 'SHA256:test', publicKey]);
    const login = `${member.username}.${nodeServer.identifier}`;
    expect((await ask(token, { type: 'public_key', username: login, password: publicKey, ip: '10.0.0.5' })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await ask(token, { type: 'password', username: login, password: 'bad', ip: '10.0.0.6' })).status).toBe(403);
    expect((await ask(token, { type: 'password', username: login, password: TEST_PASSWORD, ip: '10.0.0.6' })).status).toBe(429);
    expect((await ask(token, { type: 'password', username: login, password: TEST_PASSWORD, ip: '10.0.0.7' })).status).toBe(200);
  });
});
