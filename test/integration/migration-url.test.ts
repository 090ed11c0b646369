import { randomBytes, createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import type { Archiver, ZipOptions } from 'archiver';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { recoverMigrations } from '@server/services/migration/recover-migrations';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { connectAs } from '../bridge/socket-probe';
import { rawZip } from './files-zip-writer';
import { ArchiveHost, settled } from './migration-support';

// archiver 7 is CommonJS; its installed types describe v8 (as in wings-bridge/files/archive-create.ts).
const archiver = createRequire(import.meta.url)('archiver') as (format: 'zip', options: ZipOptions) => Archiver;
const CAP = 256 * 1024;
let panel: TestPanel;
let host: ArchiveHost;
let owner: UserRow;
let ownerClient: HttpClient;
const staging = mkdtempSync(path.join(os.tmpdir(), 'cohost-migration-src-'));

async function signedIn(user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  await client.login(user.email, TEST_PASSWORD);
  await client.get('/api/client');
  return client;
}

async function freshServer(): Promise<{ server: ServerRow; root: string; base: string }> {
  const server = await makeServer(panel.app.db, owner);
  const root = serverRoot(panel.dataDir, server.uuid);
  mkdirSync(root, { recursive: true });
  return { server, root, base: `/api/client/servers/${server.identifier}` };
}

async function tarGz(name: string, files: Record<string, string>, links: Record<string, string> = {}, options: { preservePaths?: boolean; cwd?: string } = {}): Promise<Buffer> {
  const dir = mkdtempSync(path.join(staging, 'tree-'));
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), content);
  }
  for (const [l, target] of Object.entries(links)) symlinkSync(target, path.join(dir, l));
  const out = path.join(staging, `${name}-${randomBytes(3).toString('hex')}.tar.gz`);
  await tarCreate({ gzip: true, cwd: options.cwd ?? dir, file: out, preservePaths: options.preservePaths ?? false, portable: true },
    options.cwd ? Object.keys(files).map((f) => path.relative(options.cwd as string, path.join(dir, f))) : [...Object.keys(files), ...Object.keys(links)]);
  return readFileSync(out);
}

function zipOf(entries: Record<string, Buffer | string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = archiver('zip', { zlib: { level: 9 } });
    const chunks: Buffer[] = [];
    zip.on('data', (c: Buffer) => chunks.push(c));
    zip.on('end', () => resolve(Buffer.concat(chunks)));
    zip.on('error', reject);
    for (const [name, data] of Object.entries(entries)) zip.append(data, { name });
    void zip.finalize();
  });
}

async function migrate(client: HttpClient, base: string, body: Record<string, unknown>) {
  const res = await client.post(`${base}/migrations`, body);
  expect(res.status, res.text).toBe(202);
  return res.body.attributes.uuid as string;
}

beforeAll(async () => {
  panel = await startTestPanel({ env: { MIGRATION_ALLOW_PRIVATE_HOSTS: 'true', MIGRATION_MAX_BYTES: String(CAP) } });
  host = await ArchiveHost.start();
  owner = await makeUser(panel.app.db);
  ownerClient = await signedIn(owner);
  writeFileSync(path.join(panel.dataDir, 'canary.txt'), 'CANARY');
});
afterAll(async () => { await host?.close(); await panel?.close(); });

describe('migration in from an archive URL', () => {
  it('extracts a .tar.gz into the root, records counts and bytes, and logs start and complete', async () => {
    const { server, root, base } = await freshServer();
    const url = host.serve('/world.tar.gz', await tarGz('world', { 'server.properties': 'motd=migrated\n', 'world/level.dat': 'LEVEL', 'plugins/a.jar': 'JAR' }));
    const uuid = await migrate(ownerClient, base, { source: 'url', url });
    const done = await settled(ownerClient, server.identifier, uuid);
    expect(done).toMatchObject({ status: 'completed', files: 3, bytes: 'motd=migrated\n'.length + 5 + 3, error: null, source: 'url', origin: { url } });
    expect(readFileSync(path.join(root, 'server.properties'), 'utf8')).toBe('motd=migrated\n');
    expect(readFileSync(path.join(root, 'world/level.dat'), 'utf8')).toBe('LEVEL');
    const [row] = await panel.app.pool.query('SELECT status FROM servers WHERE id = ?', [server.id]) as unknown as [Array<{ status: string | null }>];
    expect(row[0]?.status).toBeNull();
    const activity = await ownerClient.get(`${base}/activity?per_page=10`);
    expect(activity.body.data.map((a: { attributes: { event: string } }) => a.attributes.event)).toEqual(['server:migration.complete', 'server:migration.start']);
    const history = await ownerClient.get(`${base}/migrations`);
    expect(history.body.data.map((m: { attributes: { uuid: string } }) => m.attributes.uuid)).toEqual([uuid]);
  });

  it('extracts a .zip and verifies a given SHA-256 (a wrong one fails before anything is written)', async () => {
    const { server, root, base } = await freshServer();
    const zip = await zipOf({ 'config/a.yml': 'a: 1\n', 'b.txt': 'bee' });
    const url = host.serve('/pack.zip', zip);
    const wrong = await migrate(ownerClient, base, { source: 'url', url, sha256: 'a'.repeat(64) });
    expect(await settled(ownerClient, server.identifier, wrong)).toMatchObject({ status: 'failed', error: expect.stringMatching(/SHA-256/) });
    expect(existsSync(path.join(root, 'b.txt'))).toBe(false);
    const sha256 = createHash('sha256').update(zip).digest('hex');
    const right = await migrate(ownerClient, base, { source: 'url', url, sha256 });
    expect(await settled(ownerClient, server.identifier, right)).toMatchObject({ status: 'completed', files: 2 });
    expect(readFileSync(path.join(root, 'config/a.yml'), 'utf8')).toBe('a: 1\n');
  });

  it('refuses hostile archives before writing anything: ../, absolute paths, links out, zip bombs past the cap', async () => {
    const outside = mkdtempSync(path.join(staging, 'outside-'));
    const hostile: Record<string, Buffer> = {
      'slip.zip': rawZip([{ name: 'ok.txt', data: 'fine' }, { name: '../../canary.txt', data: 'PWNED' }]),
      'abs.zip': rawZip([{ name: 'ok.txt', data: 'fine' }, { name: `${outside}/abs.txt`, data: 'PWNED' }]),
      'link.zip': rawZip([{ name: 'ok.txt', data: 'fine' }, { name: 'evil', data: '../../canary.txt', symlink: true }]),
      'link.tar.gz': await tarGz('link', { 'ok.txt': 'fine' }, { evil: '/etc/passwd' }),
      'slip.tar.gz': await tarGz('slip', { 'sub/ok.txt': 'fine', 'escape.txt': 'PWNED' }, {}, { preservePaths: true, cwd: path.join(staging, 'deep') }),
      'bomb.zip': await zipOf({ 'ok.txt': 'fine', 'zeros.bin': Buffer.alloc(4 * CAP) }),
      'bomb.tar.gz': gzipSync(readFileSync(await (async () => {
        const dir = mkdtempSync(path.join(staging, 'bomb-'));
        writeFileSync(path.join(dir, 'zeros.bin'), Buffer.alloc(4 * CAP));
        const out = path.join(staging, 'bomb.tar');
        await tarCreate({ cwd: dir, file: out }, ['zeros.bin']);
        return out;
      })())),
    };
    mkdirSync(path.join(staging, 'deep'), { recursive: true });
    expect(hostile['bomb.zip']!.length).toBeLessThan(CAP); // small on the wire, four times the cap unpacked
    for (const [name, body] of Object.entries(hostile)) {
      const { server, root, base } = await freshServer();
      const uuid = await migrate(ownerClient, base, { source: 'url', url: host.serve(`/${name}`, body) });
      const done = await settled(ownerClient, server.identifier, uuid);
      expect(done.status, `${name}: ${String(done.error)}`).toBe('failed');
      expect(String(done.error), name).toMatch(/refused|limit|outside|absolute/i);
      expect(existsSync(path.join(root, 'ok.txt')), `${name} wrote ok.txt`).toBe(false);
      expect(existsSync(path.join(root, 'evil')), `${name} wrote a link`).toBe(false);
      expect(existsSync(path.join(outside, 'abs.txt'))).toBe(false);
      expect(readFileSync(path.join(panel.dataDir, 'canary.txt'), 'utf8')).toBe('CANARY');
      const [row] = await panel.app.pool.query('SELECT status FROM servers WHERE id = ?', [server.id]) as unknown as [Array<{ status: string | null }>];
      expect(row[0]?.status, name).toBeNull();
    }
  });

  it('stops a download past the cap, announced or not', async () => {
    for (const chunked of [false, true]) {
      const { server, base } = await freshServer();
      const uuid = await migrate(ownerClient, base, { source: 'url', url: host.serve(`/big-${chunked}.tar.gz`, randomBytes(CAP + 1024), { chunked }) });
      expect(await settled(ownerClient, server.identifier, uuid)).toMatchObject({ status: 'failed', error: expect.stringMatching(/limit/) });
    }
  });

  it('holds the server in `migrating` (file and power routes 409) with progress on the socket, and cancels', async () => {
    const { server, base } = await freshServer();
    const reader = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, reader, ['migration.read']);
    const blind = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, blind, ['control.console']);
    const readerSocket = await connectAs(await signedIn(reader), server.uuid);
    const blindSocket = await connectAs(await signedIn(blind), server.uuid);
    let release: () => void = () => undefined;
    host.routes.set('/slow.tar.gz', (_req, res) => {
      res.setHeader('content-length', CAP);
      res.write(Buffer.alloc(64 * 1024));
      release = () => res.destroy();
    });
    try {
      const uuid = await migrate(ownerClient, base, { source: 'url', url: `${host.url}/slow.tar.gz` });
      const progress = await readerSocket.until(() => (readerSocket.of('migration progress') as Array<{ bytes: number }>).find((p) => p.bytes >= 64 * 1024), 'progress');
      expect(progress).toMatchObject({ uuid, status: 'running', total_bytes: CAP });
      expect((await ownerClient.get(`${base}/files/list?directory=/`)).status).toBe(409);
      expect((await ownerClient.post(`${base}/power`, { signal: 'start' })).status).toBe(409);
      expect((await ownerClient.post(`${base}/migrations`, { source: 'url', url: `${host.url}/x.zip` })).status).toBe(409);
      expect((await ownerClient.get(`${base}/migrations`)).status).toBe(200);
      const cancel = await ownerClient.post(`${base}/migrations/${uuid}/cancel`);
      expect(cancel.status, cancel.text).toBe(200);
      expect(cancel.body.attributes).toMatchObject({ status: 'cancelled', cancel_requested: true });
      await readerSocket.until(() => (readerSocket.of('migration progress') as Array<{ status: string }>).some((p) => p.status === 'cancelled'), 'cancelled');
      expect(blindSocket.of('migration progress')).toEqual([]);
      expect((await ownerClient.get(`${base}/files/list?directory=/`)).status).toBe(200);
      expect((await ownerClient.post(`${base}/migrations/${uuid}/cancel`)).status).toBe(409);
      const activity = await ownerClient.get(`${base}/activity?per_page=10`);
      expect(activity.body.data.map((a: { attributes: { event: string } }) => a.attributes.event)).toEqual(['server:migration.cancel', 'server:migration.start']);
    } finally {
      release();
      readerSocket.close();
      blindSocket.close();
    }
  });

  it('validates the request and refuses a running server', async () => {
    const { server, base } = await freshServer();
    const bad = await ownerClient.post(`${base}/migrations`, { source: 'url', url: 'ftp://example.com/a.zip' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta.source_field).toBe('url');
    const noCreds = await ownerClient.post(`${base}/migrations`, { source: 'sftp', host: 'example.com', username: 'u' });
    expect(noCreds.status).toBe(422);
    expect(noCreds.body.errors[0].meta.source_field).toBe('password');
    const badKey = await ownerClient.post(`${base}/migrations`, { source: 'sftp', host: 'example.com', username: 'u', private_key: 'not a key' });
    expect(badKey.body.errors[0].meta.source_field).toBe('private_key');
    process.env.SAMPLE_BOOT_MS = '0';
    expect((await ownerClient.post(`${base}/power`, { signal: 'start' })).status).toBe(204);
    const running = await ownerClient.post(`${base}/migrations`, { source: 'url', url: `${host.url}/x.zip` });
    expect(running.status).toBe(409);
    await ownerClient.post(`${base}/power`, { signal: 'kill' });
    const [row] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM migrations WHERE server_id = ?', [server.id]) as unknown as [Array<{ n: number }>];
    expect(Number(row[0]?.n)).toBe(0);
  });

  it('recovers an interrupted migration: failed, credentials erased, server out of migrating', async () => {
    const { server, base } = await freshServer();
    const stale = new Date(Date.now() - 3600_000);
    await panel.app.pool.query("UPDATE servers SET status = 'migrating' WHERE id = ?", [server.id]);
    await panel.app.pool.query(
      "INSERT INTO migrations (uuid, server_id, actor_id, source, origin, sealed_credentials, status, heartbeat_at, created_at) VALUES (UUID(), ?, ?, 'sftp', '{}', 'v1.sealed', 'running', ?, ?)",
      [server.id, owner.id, stale, stale],
    );
    expect((await ownerClient.get(`${base}/files/list?directory=/`)).status).toBe(409);
    expect(await recoverMigrations(panel.app)).toBeGreaterThanOrEqual(1);
    const [rows] = await panel.app.pool.query('SELECT status, error, sealed_credentials FROM migrations WHERE server_id = ?', [server.id]) as unknown as [Array<Record<string, unknown>>];
    expect(rows[0]).toMatchObject({ status: 'failed', sealed_credentials: null, error: expect.stringMatching(/panel stopped/) });
    expect((await ownerClient.get(`${base}/files/list?directory=/`)).status).toBe(200);
  });
});
