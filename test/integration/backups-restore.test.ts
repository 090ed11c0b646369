import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { create as tarCreate } from 'tar';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recoverInterruptedBackups } from '@server/services/backups/recover-backups';
import { settleBackupWork } from '@server/services/backups/run-backup';
import { sweepBackupPolicies } from '@server/services/backups/sweep-backup-policies';
import type { TestPanel } from '../factories/panel';
import { PANEL_DAEMONS, type PanelDaemon } from '../factories/panel-daemons';
import { makeSubuser, makeUser } from '../factories/records';
import { SocketProbe } from '../bridge/socket-probe';
import { backupNow, backupsOf, events, memberClient, ownedServerOn, signedIn } from './backups-support';
import type { ServerRow } from '@db/schema/servers';

/**
 * One suite over both daemons (issue 18). What the panel does with archive files itself (hostile archives on
 * restore, a restore blocked mid-way, crash recovery of `.part` files) runs where the panel holds the archives.
 */
describe.each(PANEL_DAEMONS)('$name', (setup) => {
let daemon: PanelDaemon;
let panel: TestPanel;
beforeAll(async () => { daemon = await setup.start(); panel = daemon.panel; });
afterAll(async () => { if (panel) await settleBackupWork(panel.app); await daemon?.close(); });
beforeEach(() => panel.app.throttles.reset());

const archiveOf = (server: { uuid: string }, uuid: string) => daemon.archive(server, uuid);
const ownedServer = (_panel: TestPanel, overrides = {}) => ownedServerOn(daemon, overrides);
const panelArchives = setup.can.panelArchives;
const statusOf = async (server: ServerRow) => {
  const [rows] = await panel.app.pool.query('SELECT status FROM servers WHERE id = ?', [server.id]);
  return (rows as Array<{ status: string | null }>)[0]?.status;
};

/** A successful backup row whose archive the test writes itself (a tampered or foreign archive). */
async function foreignBackup(server: ServerRow, write: (file: string) => Promise<void> | void): Promise<string> {
  const uuid = randomUUID();
  const file = archiveOf(server, uuid);
  mkdirSync(path.dirname(file), { recursive: true });
  await write(file);
  const now = new Date();
  await panel.app.pool.query(
    'INSERT INTO backups (uuid, server_id, name, ignored_files, checksum, bytes, is_successful, created_at, completed_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, ?)',
    [uuid, server.id, 'foreign', '[]', 'sha1:x', now, now, now]);
  return uuid;
}

describe('restore', () => {
  it('restores without truncate (others stay) and with truncate (everything else to the trash)', async () => {
    const { server, root, client } = await ownedServer(panel);
    writeFileSync(path.join(root, 'config.yml'), 'original');
    const done = await backupNow(panel, client, server, {});
    writeFileSync(path.join(root, 'config.yml'), 'changed');
    writeFileSync(path.join(root, 'new.txt'), 'new');
    const plain = await client.post(`${backupsOf(server)}/${done.uuid}/restore`, { truncate: false });
    expect(plain.status).toBe(204);
    await settleBackupWork(panel.app);
    expect(readFileSync(path.join(root, 'config.yml'), 'utf8')).toBe('original');
    expect(existsSync(path.join(root, 'new.txt'))).toBe(true);
    expect(await client.post(`${backupsOf(server)}/${done.uuid}/restore`, { truncate: true })).toMatchObject({ status: 204 });
    await settleBackupWork(panel.app);
    expect(readdirSync(root).sort()).toEqual(['config.yml']);
    if (daemon.can.trash) {
      const trash = await client.get(`/api/client/servers/${server.identifier}/files/trash`);
      expect(trash.body.data.map((t: { attributes: { name: string } }) => t.attributes.name)).toEqual(expect.arrayContaining(['new.txt', 'config.yml']));
    }
    expect(await statusOf(server)).toBeNull();
    const evts = (await events(panel, server)).map((e) => e.event);
    expect(evts.filter((e) => e === 'server:backup.restore')).toHaveLength(2);
    expect(evts.filter((e) => e === 'server:backup.restore-complete')).toHaveLength(2);
    expect((await client.post(`${backupsOf(server)}/${done.uuid}/restore`, {})).status).toBe(422);
  });

  it('throttles restores per server (429 with Retry-After after three)', async () => {
    const { server, root, client } = await ownedServer(panel);
    writeFileSync(path.join(root, 'a.txt'), 'a');
    const done = await backupNow(panel, client, server, {});
    for (let i = 0; i < 3; i++) {
      expect((await client.post(`${backupsOf(server)}/${done.uuid}/restore`, { truncate: false })).status).toBe(204);
      await settleBackupWork(panel.app);
    }
    const throttled = await client.post(`${backupsOf(server)}/${done.uuid}/restore`, { truncate: false });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it.runIf(panelArchives)('answers 409 on the server\'s routes while restoring, and a failed restore still frees the server', async () => {
    const { server, client } = await ownedServer(panel);
    const uuid = await foreignBackup(server, (file) => { execFileSync('mkfifo', [file]); });
    expect((await client.post(`${backupsOf(server)}/${uuid}/restore`, { truncate: false })).status).toBe(204);
    const busy = await client.get(backupsOf(server));
    expect(busy.status).toBe(409);
    expect(busy.body.errors[0].detail).toContain('restoring from a backup');
    expect((await client.get(`/api/client/servers/${server.identifier}`)).body.attributes.status).toBe('restoring_backup');
    writeFileSync(archiveOf(server, uuid), 'this is not a tar archive at all');
    await settleBackupWork(panel.app);
    expect(await statusOf(server)).toBeNull();
    expect((await client.get(backupsOf(server))).status).toBe(200);
    expect((await events(panel, server)).map((e) => e.event)).toContain('server:backup.restore-failed');
  });

  it('a restore that fails on the daemon frees the server, keeps its files and logs restore-failed', async () => {
    const { server, root, client } = await ownedServer(panel);
    writeFileSync(path.join(root, 'keep.txt'), 'keep');
    const uuid = await foreignBackup(server, (file) => { writeFileSync(file, 'this is not a tar archive at all'); });
    expect((await client.post(`${backupsOf(server)}/${uuid}/restore`, { truncate: false })).status).toBe(204);
    await settleBackupWork(panel.app);
    // On Wings the outcome arrives when the node reports it to the panel's remote API.
    await expect.poll(async () => (await events(panel, server)).map((e) => e.event), { timeout: 10_000 }).toContain('server:backup.restore-failed');
    await expect.poll(() => statusOf(server), { timeout: 10_000 }).toBeNull();
    expect((await client.get(backupsOf(server))).status).toBe(200);
    expect(readFileSync(path.join(root, 'keep.txt'), 'utf8')).toBe('keep');
    expect((await events(panel, server)).map((e) => e.event)).not.toContain('server:backup.restore-complete');
  });

  it.runIf(panelArchives)('refuses hostile archives before writing anything (climbing names, links out of the root)', async () => {
    const { server, root, client } = await ownedServer(panel);
    writeFileSync(path.join(root, 'keep.txt'), 'keep');
    const staging = path.join(panel.dataDir, 'staging', 'inner');
    mkdirSync(staging, { recursive: true });
    writeFileSync(path.join(panel.dataDir, 'staging', 'evil.txt'), 'EVIL');
    writeFileSync(path.join(staging, 'ok.txt'), 'ok');
    symlinkSync('/etc', path.join(staging, 'etc-link'));
    const climbing = await foreignBackup(server, (file) => tarCreate({ gzip: true, file, cwd: staging, preservePaths: true }, ['ok.txt', '../evil.txt']));
    const linking = await foreignBackup(server, (file) => tarCreate({ gzip: true, file, cwd: staging }, ['ok.txt', 'etc-link']));
    for (const uuid of [climbing, linking]) {
      expect((await client.post(`${backupsOf(server)}/${uuid}/restore`, { truncate: true })).status).toBe(204);
      await settleBackupWork(panel.app);
      expect(readdirSync(root)).toEqual(['keep.txt']);
      expect(await statusOf(server)).toBeNull();
    }
    expect(existsSync(path.join(path.dirname(root), 'evil.txt'))).toBe(false);
    const failed = (await events(panel, server)).filter((e) => e.event === 'server:backup.restore-failed');
    expect(failed).toHaveLength(2);
    expect(String(failed[0]?.properties.error)).toContain('leads outside');
    expect(String(failed[1]?.properties.error)).toContain('points outside');
  });
});

describe('socket events', () => {
  it('sends backup progress and completed only to backup.read holders; restore completed to everyone', async () => {
    const { server, root, client } = await ownedServer(panel);
    writeFileSync(path.join(root, 'a.bin'), Buffer.alloc(200_000, 1));
    const reader = await memberClient(panel, server, ['backup.read', 'control.console']);
    const plain = await memberClient(panel, server, ['control.console']);
    const probes: SocketProbe[] = [];
    for (const c of [reader.client, plain.client]) {
      const ws = await c.get(`/api/client/servers/${server.identifier}/websocket`);
      const probe = SocketProbe.open(ws.body.data.socket as string);
      probe.emit('auth', ws.body.data.token);
      await probe.next('auth success', 0);
      probes.push(probe);
    }
    const [readerProbe, plainProbe] = probes as [SocketProbe, SocketProbe];
    try {
      const done = await backupNow(panel, client, server, {});
      const completed = await readerProbe.next('backup completed', 0);
      expect(completed).toEqual({ uuid: done.uuid, is_successful: true, checksum: done.checksum.slice(5), checksum_type: 'sha1', file_size: done.bytes });
      if (daemon.can.backupProgress) expect(readerProbe.of('backup progress').at(-1)).toEqual({ uuid: done.uuid, bytes: done.bytes });
      await client.post(`${backupsOf(server)}/${done.uuid}/restore`, { truncate: false });
      await settleBackupWork(panel.app);
      expect(await plainProbe.next('backup restore completed', 0)).toEqual({ uuid: done.uuid, is_successful: true });
      expect(plainProbe.of('backup completed')).toEqual([]);
      expect(plainProbe.of('backup progress')).toEqual([]);
    } finally {
      for (const p of probes) p.close();
    }
  });
});

describe.runIf(panelArchives)('crash recovery', () => {
  it('marks an interrupted backup failed (partial archive removed) and frees a server left restoring', async () => {
    const { server } = await ownedServer(panel);
    const uuid = randomUUID();
    const now = new Date();
    await panel.app.pool.query('INSERT INTO backups (uuid, server_id, name, ignored_files, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [uuid, server.id, 'cut', '[]', now, now]);
    mkdirSync(path.dirname(archiveOf(server, uuid)), { recursive: true });
    writeFileSync(`${archiveOf(server, uuid)}.part`, 'half');
    await panel.app.pool.query('UPDATE servers SET status = ? WHERE id = ?', ['restoring_backup', server.id]);
    expect(await recoverInterruptedBackups(panel.app)).toEqual({ backups: 1, servers: 1 });
    const [rows] = await panel.app.pool.query('SELECT is_successful, completed_at FROM backups WHERE uuid = ?', [uuid]);
    expect((rows as Array<{ is_successful: number; completed_at: Date | null }>)[0]).toMatchObject({ is_successful: 0 });
    expect((rows as Array<{ completed_at: Date | null }>)[0]?.completed_at).not.toBeNull();
    expect(existsSync(`${archiveOf(server, uuid)}.part`)).toBe(false);
    expect(await statusOf(server)).toBeNull();
    expect((await events(panel, server)).map((e) => e.event)).toEqual(['server:backup.fail', 'server:backup.restore-failed']);
  });
});

describe('automated backups', () => {
  it('validates the cron, runs due policies once across parallel sweeps, and rotates the oldest unlocked automated backup', async () => {
    const { server, client } = await ownedServer(panel);
    const policy = `${backupsOf(server)}/policy`;
    expect((await client.get(policy)).body).toMatchObject({ object: 'backup_policy', attributes: { is_active: false, next_run_at: null } });
    const bad = await client.put(policy, { cron: 'every day', keep: 2, ignored: '', is_active: true });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].meta.source_field).toBe('cron');
    const saved = await client.put(policy, { cron: '*/5 * * * *', keep: 2, ignored: '*.log', is_active: true });
    expect(saved.status).toBe(200);
    const next = new Date(saved.body.attributes.next_run_at as string);
    expect(next.getUTCMinutes() % 5).toBe(0);
    const manual = await backupNow(panel, client, server, { name: 'manual' });
    let at = next.getTime();
    for (let run = 0; run < 3; run++) {
      await Promise.all([sweepBackupPolicies(panel.app, new Date(at)), sweepBackupPolicies(panel.app, new Date(at))]);
      await settleBackupWork(panel.app);
      at += 5 * 60_000;
    }
    const list = await client.get(backupsOf(server));
    const names = list.body.data.map((b: { attributes: { name: string; is_automated: boolean; ignored_files: string[] } }) => b.attributes);
    expect(names.filter((b: { is_automated: boolean }) => b.is_automated)).toHaveLength(2);
    expect(names.map((b: { name: string }) => b.name)).toContain('manual');
    expect(names.find((b: { is_automated: boolean }) => b.is_automated).ignored_files).toEqual(['*.log']);
    const evts = (await events(panel, server)).map((e) => e.event);
    expect(evts.filter((e) => e === 'server:backup.start')).toHaveLength(4);
    expect(evts).toContain('server:backup.policy');
    expect(manual.is_successful).toBe(true);
  });

  it('runs as the last saver: a saver who lost backup.schedule gets last_error and no backup', async () => {
    const { server } = await ownedServer(panel);
    const saver = await makeUser(panel.app.db);
    const sub = await makeSubuser(panel.app.db, server, saver, ['backup.schedule', 'backup.read']);
    const client = await signedIn(panel, saver);
    const saved = await client.put(`${backupsOf(server)}/policy`, { cron: '0 * * * *', keep: 3, ignored: '', is_active: true });
    expect(saved.status).toBe(200);
    await panel.app.pool.query('UPDATE subusers SET permissions = ? WHERE id = ?', [JSON.stringify(['websocket.connect', 'backup.read']), sub.id]);
    await sweepBackupPolicies(panel.app, new Date(Date.parse(saved.body.attributes.next_run_at as string) + 1000));
    const [rows] = await panel.app.pool.query('SELECT last_error FROM backup_policies WHERE server_id = ?', [server.id]);
    expect((rows as Array<{ last_error: string }>)[0]?.last_error).toContain('backup.schedule');
    const [count] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM backups WHERE server_id = ?', [server.id]);
    expect((count as Array<{ n: number }>)[0]?.n).toBe(0);
  });
});
});
