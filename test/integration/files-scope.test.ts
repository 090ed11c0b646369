import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Revocation } from '@bridge/bus';
import { serverRoot } from '@bridge/files/local-filesystem';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

/** Setting path scopes (DESIGN §20) and their effect on archives, trash and download links in the file routes. */
let panel: TestPanel;
const published: Revocation[] = [];
beforeAll(async () => {
  panel = await startTestPanel();
  panel.app.bus.subscribe((r) => { published.push(r); });
});
afterAll(async () => { await panel?.close(); });

const FILE_KEYS = ['file.read', 'file.read-content', 'file.create', 'file.update', 'file.delete', 'file.archive', 'file.trash-read', 'file.trash-empty'];

async function world() {
  const owner = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  const root = serverRoot(panel.dataDir, server.uuid);
  mkdirSync(path.join(root, 'plugins', 'deep'), { recursive: true });
  mkdirSync(path.join(root, 'world'), { recursive: true });
  writeFileSync(path.join(root, 'plugins', 'a.jar'), 'A');
  writeFileSync(path.join(root, 'plugins', 'deep', 'b.yml'), 'B');
  writeFileSync(path.join(root, 'world', 'level.dat'), 'L');
  writeFileSync(path.join(root, 'server.properties'), 'P');
  const friend = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, friend, FILE_KEYS);
  const o = new HttpClient(panel.url);
  await o.login(owner.email, TEST_PASSWORD);
  await o.get('/api/client');
  const f = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, friend));
  return { owner, server, root, friend, o, f, base: `/api/client/servers/${server.identifier}` };
}

describe('setting a path scope', () => {
  it('stores sorted globs, shows them on the item, logs the change and revokes the user on that server', async () => {
    const { server, friend, o, base } = await world();
    published.length = 0;
    const res = await o.put(`${base}/users/${friend.uuid}/file-scope`, { paths: ['/server.properties', '/plugins/**'] });
    expect(res.status).toBe(200);
    expect(res.body.attributes.file_scope).toEqual({ paths: ['/plugins/**', '/server.properties'] });
    expect(published).toEqual([{ userUuid: friend.uuid, serverUuid: server.uuid }]);
    const [rows] = await panel.app.pool.query('SELECT properties FROM activity_logs WHERE event = ? AND server_id = ?', ['server:subuser.file-scope', server.id]);
    expect(rows).toHaveLength(1);
    const lifted = await o.put(`${base}/users/${friend.uuid}/file-scope`, { paths: null });
    expect(lifted.body.attributes.file_scope).toBeNull();
  });

  it('refuses malformed globs (422 naming paths.N), an empty list, a scoped manager (403) and one\'s own row (403)', async () => {
    const { server, friend, o, base } = await world();
    const bad = await o.put(`${base}/users/${friend.uuid}/file-scope`, { paths: ['/plugins/**', 'relative/x'] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta.source_field).toBe('paths.1');
    expect((await o.put(`${base}/users/${friend.uuid}/file-scope`, { paths: ['/a/../b'] })).status).toBe(422);
    expect((await o.put(`${base}/users/${friend.uuid}/file-scope`, { paths: [] })).status).toBe(422);
    const manager = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, manager, ['user.update'], { fileScope: { paths: ['/plugins/**'] } });
    const m = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, manager));
    expect((await m.put(`${base}/users/${friend.uuid}/file-scope`, { paths: ['/**'] })).status).toBe(403);
    expect((await m.put(`${base}/users/${manager.uuid}/file-scope`, { paths: null })).status).toBe(403);
  });
});

describe('a scope in the file routes', () => {
  it('archives and extracts only inside the scope', async () => {
    const { root, friend, o, f, base } = await world();
    expect((await o.put(`${base}/users/${friend.uuid}/file-scope`, { paths: ['/plugins/**'] })).status).toBe(200);
    const inside = await f.post(`${base}/files/compress`, { root: '/plugins', files: ['a.jar', 'deep'], archive_name: 'bundle' });
    expect(inside.status).toBe(200);
    const name = inside.body.attributes.name as string;
    expect(existsSync(path.join(root, 'plugins', name))).toBe(true);
    const outside = await f.post(`${base}/files/compress`, { root: '/', files: ['plugins', 'world'] });
    expect(outside.status).toBe(403);
    expect(outside.body.errors[0].meta).toMatchObject({ path: '/world', rule: 'file_scope' });
    expect((await f.post(`${base}/files/decompress`, { root: '/plugins', file: name })).status).toBe(204);
    // The archive is in scope, but extracting it into the root would write outside it.
    expect((await o.put(`${base}/files/rename`, { root: '/', files: [{ from: `plugins/${name}`, to: name }] })).status).toBe(204);
    expect((await f.post(`${base}/files/decompress`, { root: '/', file: name })).status).toBe(403);
  });

  it('lists only what leads into the scope, filters the trash, refuses emptying it and links outside it', async () => {
    const { friend, o, f, base } = await world();
    expect((await o.put(`${base}/users/${friend.uuid}/file-scope`, { paths: ['/plugins/**'] })).status).toBe(200);
    const top = await f.get(`${base}/files/list?directory=/`);
    expect(top.body.data.map((d: { attributes: { name: string } }) => d.attributes.name)).toEqual(['plugins']);
    expect((await f.get(`${base}/files/list?directory=/world`)).status).toBe(403);
    expect((await o.post(`${base}/files/delete`, { root: '/', files: ['world/level.dat'] })).status).toBe(204);
    expect((await f.post(`${base}/files/delete`, { root: '/plugins', files: ['a.jar'] })).status).toBe(204);
    const trash = await f.get(`${base}/files/trash`);
    expect(trash.body.data.map((d: { attributes: { name: string } }) => d.attributes.name)).toEqual(['a.jar']);
    expect((await f.post(`${base}/files/trash/empty`)).status).toBe(403);
    expect((await f.get(`${base}/files/download?file=/server.properties`)).status).toBe(403);
    expect((await f.get(`${base}/files/download?file=/plugins/deep/b.yml`)).status).toBe(200);
    // Deleting a directory takes its tree: /plugins/** covers /plugins/deep, not the root's other entries.
    expect((await f.post(`${base}/files/delete`, { root: '/plugins', files: ['deep'] })).status).toBe(204);
  });
});
