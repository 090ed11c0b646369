import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { settled } from '../integration/migration-support';
import { startSshd, type Sshd } from './migration-sshd';

const CAP = 512 * 1024;
let panel: TestPanel;
let sshd: Sshd;
let owner: UserRow;
let client: HttpClient;

async function freshServer() {
  const server = await makeServer(panel.app.db, owner);
  const root = serverRoot(panel.dataDir, server.uuid);
  mkdirSync(root, { recursive: true });
  return { server, root, base: `/api/client/servers/${server.identifier}` };
}

/** A remote tree under sshd's host filesystem (the "old host" the server moves from). */
function remoteTree(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(sshd.dir, 'tree-'));
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), content);
  }
  for (const [l, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(dir, l)), { recursive: true });
    symlinkSync(target, path.join(dir, l));
  }
  return dir;
}

async function migrate(body: Record<string, unknown>, base: string): Promise<string> {
  const res = await client.post(`${base}/migrations`, { source: 'sftp', host: '127.0.0.1', port: sshd.port, username: sshd.user, ...body });
  expect(res.status, res.text).toBe(202);
  return res.body.attributes.uuid as string;
}

beforeAll(async () => {
  sshd = await startSshd();
  panel = await startTestPanel({ env: { MIGRATION_ALLOW_PRIVATE_HOSTS: 'true', MIGRATION_MAX_BYTES: String(CAP) } });
  owner = await makeUser(panel.app.db);
  client = new HttpClient(panel.url);
  await client.login(owner.email, TEST_PASSWORD);
  await client.get('/api/client');
});
afterAll(async () => { await panel?.close(); await sshd?.stop(); });

describe('migration in from a real OpenSSH sshd', () => {
  it('copies a tree with a key: files, modes, directories and links inside; records the host key; erases the key', async () => {
    const { server, root, base } = await freshServer();
    const tree = remoteTree({ 'server.properties': 'motd=from sshd\n', 'world/region/r.0.0.mca': 'R'.repeat(70_000), 'start.sh': '#!/bin/sh\n' },
      { 'latest.log': 'logs/today.log', 'logs/today.log': '../server.properties' });
    chmodSync(path.join(tree, 'start.sh'), 0o755);
    const uuid = await migrate({ private_key: sshd.privateKey, path: tree }, base);
    const [sealed] = await panel.app.pool.query('SELECT sealed_credentials FROM migrations WHERE uuid = ?', [uuid]) as unknown as [Array<{ sealed_credentials: string | null }>];
    const seenWhileRunning = sealed[0]?.sealed_credentials;
    const done = await settled(client, server.identifier, uuid);
    expect(done, String(done.error)).toMatchObject({ status: 'completed', files: 3, total_files: 3, bytes: 15 + 70_000 + 10, origin: { host: '127.0.0.1', seen_fingerprint: sshd.fingerprint } });
    if (seenWhileRunning) expect(seenWhileRunning).not.toContain('PRIVATE KEY');
    expect(readFileSync(path.join(root, 'server.properties'), 'utf8')).toBe('motd=from sshd\n');
    expect(statSync(path.join(root, 'world/region/r.0.0.mca')).size).toBe(70_000);
    expect(statSync(path.join(root, 'start.sh')).mode & 0o777).toBe(0o755);
    expect(lstatSync(path.join(root, 'latest.log')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(root, 'latest.log'))).toBe('logs/today.log');
    const [after] = await panel.app.pool.query('SELECT sealed_credentials FROM migrations WHERE uuid = ?', [uuid]) as unknown as [Array<{ sealed_credentials: string | null }>];
    expect(after[0]?.sealed_credentials).toBeNull();
  });

  it('refuses a source whose links lead out (absolute or ../) before writing anything', async () => {
    for (const target of ['/etc/passwd', '../../../../etc']) {
      const { server, root, base } = await freshServer();
      const tree = remoteTree({ 'a.txt': 'a' }, { escape: target });
      const done = await settled(client, server.identifier, await migrate({ private_key: sshd.privateKey, path: tree }, base));
      expect(done.status).toBe('failed');
      expect(String(done.error)).toMatch(/link "escape" points (to an absolute path|outside)/);
      expect(existsSync(path.join(root, 'a.txt'))).toBe(false);
      expect(existsSync(path.join(root, 'escape'))).toBe(false);
    }
  });

  it('refuses a source larger than the cap before writing anything', async () => {
    const { server, root, base } = await freshServer();
    const tree = remoteTree({ 'small.txt': 'x', 'big.bin': 'B'.repeat(CAP + 1) });
    const done = await settled(client, server.identifier, await migrate({ private_key: sshd.privateKey, path: tree }, base));
    expect(done).toMatchObject({ status: 'failed', error: expect.stringMatching(/limit/) });
    expect(existsSync(path.join(root, 'small.txt'))).toBe(false);
  });

  it('fails cleanly on a wrong password, a pinned host key that differs, and an unreachable port', async () => {
    const { server, base } = await freshServer();
    const tree = remoteTree({ 'a.txt': 'a' });
    const wrong = await settled(client, server.identifier, await migrate({ password: 'definitely not the password', path: tree }, base));
    expect(wrong).toMatchObject({ status: 'failed', error: 'The source refused the credentials.' });
    const pinned = await settled(client, server.identifier, await migrate({ private_key: sshd.privateKey, path: tree, fingerprint: `SHA256:${'A'.repeat(43)}` }, base));
    expect(pinned.status).toBe('failed');
    const ok = await settled(client, server.identifier, await migrate({ private_key: sshd.privateKey, path: tree, fingerprint: sshd.fingerprint }, base));
    expect(ok.status, String(ok.error)).toBe('completed');
    const closed = await client.post(`${base}/migrations`, { source: 'sftp', host: '127.0.0.1', port: 1, username: 'x', password: 'y' });
    const refused = await settled(client, server.identifier, closed.body.attributes.uuid as string);
    expect(refused).toMatchObject({ status: 'failed', error: expect.stringMatching(/could not be reached/) });
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM migrations WHERE sealed_credentials IS NOT NULL') as unknown as [Array<{ n: number }>];
    expect(Number(rows[0]?.n)).toBe(0);
  });
});

