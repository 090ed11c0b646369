import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { list as tarList } from 'tar';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestPanel } from '../factories/panel';
import { PANEL_DAEMONS, type PanelDaemon } from '../factories/panel-daemons';
import { makeApiKey } from '../factories/records';
import { backupNow, backupsOf, events, memberClient, ownedServerOn } from './backups-support';
import { HttpClient } from '../factories/http';

/** One suite over both daemons (issue 18): backups written here, and backups written by a fake Wings node. */
describe.each(PANEL_DAEMONS)('$name', (setup) => {
let daemon: PanelDaemon;
let panel: TestPanel;
beforeAll(async () => { daemon = await setup.start({ env: { SERVER_THROTTLES: 'backup.create=25/600' } }); panel = daemon.panel; });
afterAll(async () => { await daemon?.close(); });
beforeEach(() => panel.app.throttles.reset());

const archiveOf = (server: { uuid: string }, uuid: string) => daemon.archive(server, uuid);
const ownedServer = (_panel: TestPanel, overrides = {}) => ownedServerOn(daemon, overrides);

async function entriesOf(file: string): Promise<string[]> {
  const names: string[] = [];
  await tarList({ file, onReadEntry: (e) => { names.push(e.path.replace(/^\.\//, '')); } });
  return names.filter((n) => n !== '' && n !== './').sort();
}

describe('backup routes', () => {
  it('creates a streamed tar.gz whose sha1 and size are the file on disk, as Pterodactyl\'s backup object', async () => {
    const { server, root, client } = await ownedServer(panel);
    writeFileSync(path.join(root, 'server.properties'), 'motd=hi\n');
    mkdirSync(path.join(root, 'world'));
    writeFileSync(path.join(root, 'world', 'level.dat'), Buffer.alloc(100_000, 7));
    const created = await client.post(backupsOf(server), { name: 'first' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ object: 'backup', attributes: { name: 'first', is_successful: false, completed_at: null, ignored_files: [], is_locked: false } });
    const done = await backupNow(panel, client, server, {});
    expect(done.name).toMatch(/^Backup at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const file = archiveOf(server, done.uuid);
    const bytes = readFileSync(file);
    expect(done).toMatchObject({ is_successful: true, bytes: bytes.length, checksum: `sha1:${createHash('sha1').update(bytes).digest('hex')}` });
    expect(done.completed_at).not.toBeNull();
    expect(await entriesOf(file)).toEqual(['server.properties', 'world/', 'world/level.dat']);
    expect(existsSync(`${file}.part`)).toBe(false);
    const evts = (await events(panel, server)).map((e) => e.event);
    expect(evts.filter((e) => e === 'server:backup.start')).toHaveLength(2);
    expect(evts.filter((e) => e === 'server:backup.complete')).toHaveLength(2);
  });

  it('honours ignored patterns (else .pteroignore) and never archives a symlink out of the root', async () => {
    const { server, root, client } = await ownedServer(panel);
    mkdirSync(path.join(root, 'logs'));
    writeFileSync(path.join(root, 'logs', 'latest.log'), 'x');
    writeFileSync(path.join(root, 'keep.txt'), 'k');
    writeFileSync(path.join(root, 'cache.tmp'), 't');
    const secret = path.resolve(root, '../../secret.txt');
    writeFileSync(secret, 'SECRET');
    symlinkSync(secret, path.join(root, 'escape'));
    symlinkSync('../../secret.txt', path.join(root, 'climb'));
    symlinkSync('keep.txt', path.join(root, 'inside'));
    const given = await backupNow(panel, client, server, { ignored: 'logs/\n*.tmp' });
    expect(given.ignored_files).toEqual(['logs/', '*.tmp']);
    // Wings archives a link as a link (never its target): the secret's bytes are in neither daemon's archive.
    expect(await entriesOf(archiveOf(server, given.uuid))).toEqual(daemon.can.backupSymlinks ? ['climb', 'escape', 'inside', 'keep.txt'] : ['inside', 'keep.txt']);
    expect(gunzipSync(readFileSync(archiveOf(server, given.uuid))).includes('SECRET')).toBe(false);
    writeFileSync(path.join(root, '.pteroignore'), '# comment\nkeep.txt\n');
    const fromFile = await backupNow(panel, client, server, {});
    expect(await entriesOf(archiveOf(server, fromFile.uuid))).toEqual([
      '.pteroignore', 'cache.tmp', ...(daemon.can.backupSymlinks ? ['climb', 'escape'] : []), 'inside', 'logs/', 'logs/latest.log']);
  });

  it('lists newest first with Pterodactyl pagination and backup_count of non-failed backups; per_page is at most 50', async () => {
    const { server, client } = await ownedServer(panel);
    for (const name of ['a', 'b', 'c']) await backupNow(panel, client, server, { name });
    await panel.app.pool.query('UPDATE backups SET is_successful = 0 WHERE server_id = ? AND name = ?', [server.id, 'a']);
    const page = await client.get(`${backupsOf(server)}?per_page=2&page=1`);
    expect(page.status).toBe(200);
    expect(page.body.data.map((b: { attributes: { name: string } }) => b.attributes.name)).toEqual(['c', 'b']);
    expect(page.body.meta).toEqual({ pagination: { total: 3, count: 2, per_page: 2, current_page: 1, total_pages: 2, links: {} }, backup_count: 2 });
    const tooMany = await client.get(`${backupsOf(server)}?per_page=51`);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.errors[0].meta.source_field).toBe('per_page');
  });

  it('honours is_locked only for holders of backup.delete; locked successful backups cannot be deleted (400)', async () => {
    const { server, client } = await ownedServer(panel);
    const creator = await memberClient(panel, server, ['backup.create', 'backup.read']);
    const res = await creator.client.post(backupsOf(server), { name: 'try-lock', is_locked: true });
    expect(res.status).toBe(200);
    expect(res.body.attributes.is_locked).toBe(false);
    const locked = await backupNow(panel, client, server, { is_locked: true });
    expect(locked.is_locked).toBe(true);
    const del = await client.delete(`${backupsOf(server)}/${locked.uuid}`);
    expect(del.status).toBe(400);
    expect(del.body.errors[0].detail).toBe('Cannot delete a backup that is marked as locked.');
    const unlock = await client.post(`${backupsOf(server)}/${locked.uuid}/lock`);
    expect(unlock.body.attributes.is_locked).toBe(false);
    expect((await client.delete(`${backupsOf(server)}/${locked.uuid}`)).status).toBe(204);
    expect(existsSync(archiveOf(server, locked.uuid))).toBe(false);
    expect((await client.get(`${backupsOf(server)}/${locked.uuid}`)).status).toBe(404);
    const evts = (await events(panel, server)).map((e) => e.event);
    expect(evts).toEqual(expect.arrayContaining(['server:backup.unlock', 'server:backup.delete']));
  });

  it('refuses at the limit (400), when disabled (0), and lets 20 parallel creates at limit − 1 leave exactly the limit', async () => {
    const disabled = await ownedServer(panel, { backupLimit: 0 });
    const zero = await disabled.client.post(backupsOf(disabled.server), {});
    expect(zero.status).toBe(400);
    expect(zero.body.errors[0].detail).toContain('limit is 0');
    const { server, client } = await ownedServer(panel, { backupLimit: 3 });
    await backupNow(panel, client, server, {});
    await backupNow(panel, client, server, {});
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.post(backupsOf(server), {})));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(19);
    expect(answers.find((a) => a.status === 400)?.body.errors[0].detail).toBe('Cannot create a new backup, this server has reached its limit of 3 backups.');
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM backups WHERE server_id = ?', [server.id]);
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(3);
    await (await import('@server/services/backups/run-backup')).settleBackupWork(panel.app);
  });

  it('throttles creation per server (429 with Retry-After)', async () => {
    const { server, client } = await ownedServer(panel, { backupLimit: 0 });
    for (let i = 0; i < 25; i++) expect((await client.post(backupsOf(server), {})).status).toBe(400);
    const throttled = await client.post(backupsOf(server), {});
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('downloads once through a signed URL streamed with Content-Length; a second use fails', async () => {
    const { server, root, client, owner } = await ownedServer(panel);
    writeFileSync(path.join(root, 'a.txt'), 'A'.repeat(5000));
    const done = await backupNow(panel, client, server, {});
    const viaKey = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, owner));
    const link = await viaKey.get(`${backupsOf(server)}/${done.uuid}/download`);
    expect(link.status).toBe(200);
    expect(link.body.object).toBe('signed_url');
    const first = await fetch(link.body.attributes.url as string);
    expect(first.status).toBe(200);
    const body = Buffer.from(await first.arrayBuffer());
    expect(first.headers.get('content-length')).toBe(String(done.bytes));
    expect(`sha1:${createHash('sha1').update(body).digest('hex')}`).toBe(done.checksum);
    expect((await fetch(link.body.attributes.url as string)).status).toBe(403);
    const reader = await memberClient(panel, server, ['backup.read']);
    expect((await reader.client.get(`${backupsOf(server)}/${done.uuid}/download`)).status).toBe(403);
    expect((await events(panel, server)).map((e) => e.event)).toContain('server:backup.download');
  });

  it('scopes backups to their server: another server\'s uuid is 404', async () => {
    const a = await ownedServer(panel);
    const b = await ownedServer(panel);
    const done = await backupNow(panel, a.client, a.server, {});
    expect((await b.client.get(`${backupsOf(b.server)}/${done.uuid}`)).status).toBe(404);
    expect((await b.client.delete(`${backupsOf(b.server)}/${done.uuid}`)).status).toBe(404);
    expect((await a.client.get(`${backupsOf(a.server)}/not-a-uuid`)).status).toBe(404);
  });
});
});
