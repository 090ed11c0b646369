import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTokenKey, FILE_TOKEN_AUDIENCE } from '@server/services/files/file-tokens';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import type { TestPanel } from '../factories/panel';
import { PANEL_DAEMONS, type PanelDaemon } from '../factories/panel-daemons';
import { makeApiKey, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { rawTar, rawZip } from './files-zip-writer';

/** One suite over both daemons (issue 18): a panel on this host, and a panel whose server is on a fake Wings node. */
describe.each(PANEL_DAEMONS)('$name', (setup) => {
let daemon: PanelDaemon;
let panel: TestPanel;
let canary: string;
let owner: UserRow;
let server: ServerRow;
let root: string;
let ownerClient: HttpClient;
const files = () => `/api/client/servers/${server.identifier}/files`;

async function member(keys: string[]): Promise<{ user: UserRow; client: HttpClient }> {
  const user = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, keys);
  const client = new HttpClient(panel.url);
  await client.login(user.email, TEST_PASSWORD);
  await client.get('/api/client'); // the session is new after login: pick up its XSRF cookie before writing
  return { user, client };
}

beforeAll(async () => {
  daemon = await setup.start({ env: { FILE_MAX_READ_BYTES: '1024', FILE_MAX_UPLOAD_BYTES: '4096', ARCHIVE_MAX_EXTRACT_BYTES: '8192' } });
  panel = daemon.panel;
  owner = await makeUser(panel.app.db);
  server = await daemon.server(owner);
  root = daemon.root(server);
  // Two levels above the root, where `../../canary.txt` from the root would land: outside every server.
  canary = path.resolve(root, '../../canary.txt');
  writeFileSync(canary, 'CANARY');
  ownerClient = new HttpClient(panel.url);
  await ownerClient.login(owner.email, TEST_PASSWORD);
  await ownerClient.get('/api/client');
});
afterAll(async () => { await daemon?.close(); });

describe('file routes', () => {
  it('writes, lists as file_objects and reads back', async () => {
    const w = await ownerClient.post(`${files()}/write?file=${encodeURIComponent('/config/server.properties')}`, 'motd=hi\n', { raw: true, headers: { 'content-type': 'text/plain' } });
    expect(w.status).toBe(204);
    const list = await ownerClient.get(`${files()}/list?directory=/config`);
    expect(list.status).toBe(200);
    expect(list.body.data[0]).toMatchObject({ object: 'file_object', attributes: { name: 'server.properties', size: 8, is_file: true, is_symlink: false, mode: '-rw-r--r--', mode_bits: '644' } });
    const read = await ownerClient.get(`${files()}/contents?file=/config/server.properties`);
    expect(read.status).toBe(200);
    expect(read.text).toBe('motd=hi\n');
  });

  it('creates folders, renames, copies, chmods, and deletes into a trash outside the root', async () => {
    expect((await ownerClient.post(`${files()}/create-folder`, { root: '/', name: 'plugins' })).status).toBe(204);
    expect((await ownerClient.post(`${files()}/create-folder`, { root: '/', name: 'plugins' })).status).toBe(409);
    writeFileSync(path.join(root, 'plugins', 'a.yml'), 'a: 1');
    expect((await ownerClient.put(`${files()}/rename`, { root: '/plugins', files: [{ from: 'a.yml', to: 'b.yml' }] })).status).toBe(204);
    expect((await ownerClient.post(`${files()}/copy`, { location: '/plugins/b.yml' })).status).toBe(204);
    expect(readFileSync(path.join(root, 'plugins', 'b copy.yml'), 'utf8')).toBe('a: 1');
    expect((await ownerClient.post(`${files()}/chmod`, { root: '/plugins', files: [{ file: 'b.yml', mode: 600 }] })).status).toBe(204);
    expect((await ownerClient.get(`${files()}/list?directory=/plugins`)).body.data.find((f: { attributes: { name: string } }) => f.attributes.name === 'b.yml').attributes.mode_bits).toBe('600');
    expect((await ownerClient.post(`${files()}/delete`, { root: '/plugins', files: ['b.yml'] })).status).toBe(204);
    expect(existsSync(path.join(root, 'plugins', 'b.yml'))).toBe(false);
    if (!daemon.can.trash) {
      const refused = await ownerClient.get(`${files()}/trash`);
      expect(refused.status).toBe(400);
      expect(refused.body.errors[0].detail).toMatch(/no trash/);
      expect((await ownerClient.post(`${files()}/trash/empty`)).status).toBe(400);
      return;
    }
    const trash = await ownerClient.get(`${files()}/trash`);
    expect(trash.body.data[0].attributes).toMatchObject({ name: 'b.yml', original_path: '/plugins/b.yml', is_file: true });
    expect(trash.body.data[0].attributes.id).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);
    expect((await ownerClient.post(`${files()}/trash/empty`)).status).toBe(204);
    expect((await ownerClient.get(`${files()}/trash`)).body.data).toEqual([]);
  });

  it('compresses to tar.gz and zip and decompresses both', async () => {
    mkdirSync(path.join(root, 'world'), { recursive: true });
    writeFileSync(path.join(root, 'world', 'level.dat'), 'LEVEL');
    const tgz = await ownerClient.post(`${files()}/compress`, { root: '/', files: ['world'] });
    expect(tgz.status).toBe(200);
    expect(tgz.body.attributes.name).toMatch(/^archive-.*\.tar\.gz$/);
    const zip = await ownerClient.post(`${files()}/compress`, { root: '/', files: ['world'], extension: 'zip', archive_name: 'w' });
    if (daemon.can.zip) expect(zip.body.attributes.name).toBe('w.zip');
    else expect(zip.status).toBe(400);
    // A node cannot be asked for a zip, but it extracts one as well as a tar: one made elsewhere is uploaded.
    if (!daemon.can.zip) writeFileSync(path.join(root, 'w.zip'), rawZip([{ name: 'world/level.dat', data: 'LEVEL' }]));
    const made: Array<readonly [string, string]> = [[tgz.body.attributes.name as string, 'out-tgz'], ['w.zip', 'out-zip']];
    for (const [name, dir] of made) {
      await ownerClient.post(`${files()}/create-folder`, { root: '/', name: dir });
      await ownerClient.put(`${files()}/rename`, { root: '/', files: [{ from: name, to: `${dir}/${name}` }] });
      expect((await ownerClient.post(`${files()}/decompress`, { root: `/${dir}`, file: name })).status).toBe(204);
      expect(readFileSync(path.join(root, dir, 'world', 'level.dat'), 'utf8')).toBe('LEVEL');
    }
  });

  it('refuses a zip-slip archive and a tar whose symlink leads outside, writing nothing', async () => {
    await zipSlip();
    const staging = mkdtempSync(path.join(os.tmpdir(), 'cohost-tar-'));
    symlinkSync('../../../canary.txt', path.join(staging, 'evil'));
    writeFileSync(path.join(staging, 'then.txt'), 'x');
    await tarCreate({ gzip: true, cwd: staging, file: path.join(root, 'evil.tar.gz') }, ['evil', 'then.txt']);
    const tar = await ownerClient.post(`${files()}/decompress`, { root: '/', file: 'evil.tar.gz' });
    expect(tar.status).toBe(422);
    expect(tar.body.errors[0].detail).toContain('points outside');
    expect(existsSync(path.join(root, 'evil'))).toBe(false);
    expect(existsSync(path.join(root, 'then.txt'))).toBe(false);
    // A tar entry climbing out of the root, written by hand (tar tools refuse to make one).
    writeFileSync(path.join(root, 'climb.tar'), rawTar('../../canary.txt', 'PWNED'));
    const climb = await ownerClient.post(`${files()}/decompress`, { root: '/', file: 'climb.tar' });
    expect(climb.status).toBe(422);
    expect(climb.body.errors[0].meta.source_field).toBe('file');
    expect(readFileSync(canary, 'utf8')).toBe('CANARY');
  });

  async function zipSlip(): Promise<void> {
    writeFileSync(path.join(root, 'slip.zip'), rawZip([{ name: 'ok.txt', data: 'fine' }, { name: '../../canary.txt', data: 'PWNED' }]));
    const slip = await ownerClient.post(`${files()}/decompress`, { root: '/', file: 'slip.zip' });
    expect(slip.status).toBe(422);
    expect(existsSync(path.join(root, 'ok.txt'))).toBe(false);
    writeFileSync(path.join(root, 'link.zip'), rawZip([{ name: 'evil', data: '../../canary.txt', symlink: true }]));
    const link = await ownerClient.post(`${files()}/decompress`, { root: '/', file: 'link.zip' });
    expect(link.status, JSON.stringify(link.body)).toBe(422);
  }

  it('answers limits with 413 and hostile paths with 422/400, never touching the canary', async () => {
    writeFileSync(path.join(root, 'big.log'), 'x'.repeat(2000));
    expect((await ownerClient.get(`${files()}/contents?file=/big.log`)).status).toBe(413);
    const big = await ownerClient.post(`${files()}/write?file=/big.bin`, 'y'.repeat(5000), { raw: true, headers: { 'content-type': 'application/octet-stream' } });
    expect(big.status).toBe(413);
    expect(existsSync(path.join(root, 'big.bin'))).toBe(false);
    symlinkSync(canary, path.join(root, 'escape'));
    expect((await ownerClient.get(`${files()}/contents?file=/escape`)).status).toBe(400);
    expect((await ownerClient.get(`${files()}/contents?file=${encodeURIComponent('../../canary.txt')}`)).status).toBe(422);
    expect((await ownerClient.post(`${files()}/write?file=/escape`, 'PWNED', { raw: true, headers: { 'content-type': 'text/plain' } })).status).toBe(400);
    const nul = await ownerClient.get(`${files()}/list?directory=${encodeURIComponent('/a\0b')}`);
    expect(nul.status).toBe(422);
    expect(nul.body.errors[0].meta.source_field).toBe('directory');
    expect(readFileSync(canary, 'utf8')).toBe('CANARY');
  });
});

describe('file keys', () => {
  it('file.read lists but cannot read contents; file.read-content reads; non-members get 404', async () => {
    writeFileSync(path.join(root, 'keys.txt'), 'k');
    const reader = await member(['file.read']);
    expect((await reader.client.get(`${files()}/list?directory=/`)).status).toBe(200);
    expect((await reader.client.get(`${files()}/contents?file=/keys.txt`)).status).toBe(403);
    expect((await reader.client.get(`${files()}/download?file=/keys.txt`)).status).toBe(403);
    const content = await member(['file.read-content']);
    expect((await content.client.get(`${files()}/contents?file=/keys.txt`)).status).toBe(200);
    const stranger = new HttpClient(panel.url);
    await stranger.login((await makeUser(panel.app.db)).email, TEST_PASSWORD);
    expect((await stranger.get(`${files()}/list?directory=/`)).status).toBe(404);
  });

  it('each mutating route needs its own key', async () => {
    const noCreate = await member(['file.read', 'file.update', 'file.delete', 'file.archive']);
    expect((await noCreate.client.post(`${files()}/write?file=/n.txt`, 'x', { raw: true, headers: { 'content-type': 'text/plain' } })).status).toBe(403);
    expect((await noCreate.client.post(`${files()}/create-folder`, { root: '/', name: 'n' })).status).toBe(403);
    expect((await noCreate.client.post(`${files()}/decompress`, { root: '/', file: 'w.zip' })).status).toBe(403);
    expect((await noCreate.client.get(`${files()}/upload`)).status).toBe(403);
    const noDelete = await member(['file.read', 'file.create']);
    expect((await noDelete.client.post(`${files()}/delete`, { root: '/', files: ['keys.txt'] })).status).toBe(403);
    expect((await noDelete.client.post(`${files()}/compress`, { root: '/', files: ['keys.txt'] })).status).toBe(403);
    expect((await noDelete.client.get(`${files()}/trash`)).status).toBe(403);
    expect((await noDelete.client.post(`${files()}/trash/empty`)).status).toBe(403);
    expect(existsSync(path.join(root, 'keys.txt'))).toBe(true);
  });
});

describe('signed download and upload links', () => {
  it('downloads exactly one file, once', async () => {
    writeFileSync(path.join(root, 'dl.txt'), 'DOWNLOAD');
    const link = await ownerClient.get(`${files()}/download?file=/dl.txt`);
    expect(link.body.object).toBe('signed_url');
    const url = new URL(link.body.attributes.url);
    const anon = new HttpClient(panel.url);
    const first = await anon.get(url.pathname);
    expect(first.status).toBe(200);
    expect(first.text).toBe('DOWNLOAD');
    expect(first.headers.get('content-disposition')).toContain('dl.txt');
    expect((await anon.get(url.pathname)).status).toBe(403);
  });

  it('refuses a websocket token, an upload token and a tampered token at the download route', async () => {
    const key = fileTokenKey(panel.app.secrets.appKey);
    const ws = await new SignJWT({ scope: 'websocket', server_uuid: server.uuid, user_uuid: owner.uuid, path: '/dl.txt', api_key: null })
      .setProtectedHeader({ alg: 'HS256' }).setJti('x1').setIssuedAt().setExpirationTime('5m').setAudience(FILE_TOKEN_AUDIENCE).sign(key);
    const anon = new HttpClient(panel.url);
    expect((await anon.get(`/api/files/download/${ws}`)).status).toBe(403);
    const upload = new URL((await ownerClient.get(`${files()}/upload`)).body.attributes.url);
    expect((await anon.get(`/api/files/download/${upload.pathname.split('/').pop()}`)).status).toBe(403);
    const dl = new URL((await ownerClient.get(`${files()}/download?file=/dl.txt`)).body.attributes.url);
    expect((await anon.get(`${dl.pathname.slice(0, -2)}xx`)).status).toBe(403);
    // The other way round: a download link's token at the upload route writes nothing.
    const wrong = await anon.post(`${dl.pathname.replace('/download/', '/upload/')}?directory=/&name=scoped.txt`, 'X', { raw: true, headers: { 'content-type': 'text/plain' } });
    expect(wrong.status).toBe(403);
    expect(existsSync(path.join(root, 'scoped.txt'))).toBe(false);
  });

  it('re-checks live access: a link dies with the subuser who minted it', async () => {
    const m = await member(['file.read-content']);
    const dl = new URL((await m.client.get(`${files()}/download?file=/dl.txt`)).body.attributes.url);
    await panel.app.pool.query('UPDATE subusers SET permissions = ? WHERE user_id = ?', [JSON.stringify(['websocket.connect', 'file.read']), m.user.id]);
    expect((await new HttpClient(panel.url).get(dl.pathname)).status).toBe(403);
  });

  it('uploads raw and multipart bodies into the link directory only, with the live key', async () => {
    const apiKey = await makeApiKey(panel.app.db, owner);
    const api = new HttpClient(panel.url).withApiKey(apiKey);
    const raw = new URL((await api.get(`${files()}/upload?directory=/uploads`)).body.attributes.url);
    const anon = new HttpClient(panel.url);
    const up = await anon.post(`${raw.pathname}?directory=/uploads&name=a.txt`, 'RAW', { raw: true, headers: { 'content-type': 'application/octet-stream' } });
    expect(up.status).toBe(200);
    expect(readFileSync(path.join(root, 'uploads', 'a.txt'), 'utf8')).toBe('RAW');
    const form = new FormData();
    form.append('files', new Blob(['MULTI']), 'b.txt');
    const mp = new URL((await api.get(`${files()}/upload?directory=/uploads`)).body.attributes.url);
    const res = await fetch(`${panel.url}${mp.pathname}?directory=/uploads`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(readFileSync(path.join(root, 'uploads', 'b.txt'), 'utf8')).toBe('MULTI');
    // On a Wings node the panel hands the files on through the node's own signed upload route.
    if (daemon.node) expect(daemon.node.uploads.filter((u) => u.server === server.uuid && u.directory === '/uploads')).toHaveLength(2);
    const elsewhere = new URL((await api.get(`${files()}/upload?directory=/uploads`)).body.attributes.url);
    expect((await anon.post(`${elsewhere.pathname}?directory=/&name=c.txt`, 'X', { raw: true, headers: { 'content-type': 'text/plain' } })).status).toBe(403);
    expect(existsSync(path.join(root, 'c.txt'))).toBe(false);
  });
});

describe('file activity', () => {
  it('logs server:file.* events with their files', async () => {
    const [rows] = await panel.app.pool.query('SELECT event, properties FROM activity_logs WHERE server_id = ? ORDER BY id', [server.id]) as unknown as [Array<{ event: string; properties: unknown }>];
    const events = new Set(rows.map((r) => r.event));
    for (const e of ['server:file.write', 'server:file.read', 'server:file.create-directory', 'server:file.rename', 'server:file.copy',
      'server:file.chmod', 'server:file.delete', ...(daemon.can.trash ? ['server:file.trash-empty'] : []), 'server:file.compress', 'server:file.decompress',
      'server:file.download', 'server:file.upload']) expect(events).toContain(e);
    if (!daemon.can.trash) expect(events).not.toContain('server:file.trash-empty');
  });
});
});
