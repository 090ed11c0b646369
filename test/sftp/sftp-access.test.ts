import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { keyPair, op, openSshBatch, scratch, ssh2Connect } from './clients';

let panel: TestPanel;
let server: ServerRow;
let root: string;
const ALL_FILE = ['file.sftp', 'file.read', 'file.read-content', 'file.create', 'file.update', 'file.delete'];

async function subuser(keys: string[]): Promise<{ user: UserRow; login: string }> {
  const user = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, keys);
  return { user, login: `${user.username}.${server.identifier}` };
}

async function activity(event: string, userId: number): Promise<Array<{ properties: { files?: unknown[] } }>> {
  const [rows] = await panel.app.pool.query('SELECT properties FROM activity_logs WHERE event = ? AND actor_id = ? ORDER BY id', [event, userId]);
  return (rows as Array<{ properties: string | { files?: unknown[] } }>).map((r) => ({ properties: typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties }));
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  return read();
}

beforeAll(async () => {
  panel = await startTestPanel();
  const owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  root = serverRoot(panel.dataDir, server.uuid);
  mkdirSync(path.join(root, 'docs'), { recursive: true });
  writeFileSync(path.join(root, 'docs', 'readme.txt'), 'README');
  writeFileSync(path.join(root, 'keep.txt'), 'KEEP');
});
afterAll(async () => { await panel?.close(); });

describe('OpenSSH sftp client', () => {
  it('logs in with a password, lists, gets and puts; the writes are merged into one activity row', async () => {
    const { user, login } = await subuser(ALL_FILE);
    writeFileSync(path.join(scratch, 'up1.txt'), 'UP1');
    writeFileSync(path.join(scratch, 'up2.txt'), 'UP2');
    const res = await openSshBatch({ port: panel.sftpPort, login, password: TEST_PASSWORD,
      commands: ['ls /docs', 'get /docs/readme.txt got.txt', 'put up1.txt /up1.txt', 'put up2.txt /up2.txt', 'mkdir /made'] });
    expect(res.stderr).not.toMatch(/denied/i);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('readme.txt');
    expect(readFileSync(path.join(scratch, 'got.txt'), 'utf8')).toBe('README');
    expect(readFileSync(path.join(root, 'up2.txt'), 'utf8')).toBe('UP2');
    const rows = await eventually(() => activity('server:sftp.write', user.id), (r) => (r[0]?.properties.files?.length ?? 0) === 2);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.properties.files).toEqual(['/up1.txt', '/up2.txt']);
  });

  it('logs in with one of the user\'s SSH keys', async () => {
    const { user, login } = await subuser(ALL_FILE);
    const key = await keyPair(`k-${user.uuid.slice(0, 8)}`);
    await panel.app.pool.query('INSERT INTO ssh_keys (user_id, name, fingerprint, public_key, created_at) VALUES (?, ?, ?, ?, NOW(3))',
      [user.id, 'laptop', key.fingerprint, key.publicKey]);
    const ok = await openSshBatch({ port: panel.sftpPort, login, keyFile: key.privateKeyFile, commands: ['ls /'] });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('keep.txt');
    const other = await keyPair(`other-${user.uuid.slice(0, 8)}`);
    const refused = await openSshBatch({ port: panel.sftpPort, login, keyFile: other.privateKeyFile, commands: ['ls /'] });
    expect(refused.code).not.toBe(0);
  });

  it('refuses a wrong password and a member without file.sftp', async () => {
    const { login } = await subuser(ALL_FILE);
    expect((await openSshBatch({ port: panel.sftpPort, login, password: 'wrong password', commands: ['ls /'] })).code).not.toBe(0);
    const { user: noSftpUser, login: noSftp } = await subuser(ALL_FILE.filter((k) => k !== 'file.sftp'));
    expect((await openSshBatch({ port: panel.sftpPort, login: noSftp, password: TEST_PASSWORD, commands: ['ls /'] })).code).not.toBe(0);
    expect(await eventually(() => activity('server:sftp.denied', noSftpUser.id), (r) => r.length > 0)).toHaveLength(1);
  });

  it('file.read without file.read-content lists but cannot get', async () => {
    const { login } = await subuser(['file.sftp', 'file.read']);
    const list = await openSshBatch({ port: panel.sftpPort, login, password: TEST_PASSWORD, commands: ['ls /docs'] });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('readme.txt');
    const get = await openSshBatch({ port: panel.sftpPort, login, password: TEST_PASSWORD, commands: ['get /docs/readme.txt denied.txt'] });
    expect(get.code).not.toBe(0);
    expect(get.stderr).toMatch(/permission denied/i);
    expect(existsSync(path.join(scratch, 'denied.txt'))).toBe(false);
  });

  it('without file.create cannot put a new file; without file.delete cannot rm', async () => {
    const { login } = await subuser(['file.sftp', 'file.read', 'file.read-content', 'file.update', 'file.delete']);
    writeFileSync(path.join(scratch, 'new.txt'), 'NEW');
    const put = await openSshBatch({ port: panel.sftpPort, login, password: TEST_PASSWORD, commands: ['put new.txt /new.txt'] });
    expect(put.code).not.toBe(0);
    expect(existsSync(path.join(root, 'new.txt'))).toBe(false);
    const { login: noDelete } = await subuser(['file.sftp', 'file.read', 'file.read-content', 'file.create', 'file.update']);
    const rm = await openSshBatch({ port: panel.sftpPort, login: noDelete, password: TEST_PASSWORD, commands: ['rm /keep.txt'] });
    expect(rm.code).not.toBe(0);
    expect(existsSync(path.join(root, 'keep.txt'))).toBe(true);
  });
});

describe('ssh2 client', () => {
  it('applies the same keys per operation, and rm moves to the trash', async () => {
    const { login } = await subuser(['file.sftp', 'file.read', 'file.create', 'file.delete']);
    const s = await ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD });
    expect(await op.readdir(s.sftp, '/docs')).toEqual(expect.arrayContaining(['readme.txt']));
    expect(await op.readFile(s.sftp, '/docs/readme.txt')).toBe(3);
    expect(await op.writeFile(s.sftp, '/fresh.txt', 'FRESH')).toBeNull();
    expect(await op.writeFile(s.sftp, '/fresh.txt', 'OVERWRITE')).toBe(3);
    expect(await op.rename(s.sftp, '/fresh.txt', '/moved.txt')).toBe(3);
    expect(await op.unlink(s.sftp, '/fresh.txt')).toBeNull();
    expect(existsSync(path.join(root, 'fresh.txt'))).toBe(false);
    s.end();
    await s.closed;
  });

  it('ends an open session when the subuser is removed, and narrows one when keys change', async () => {
    const { user, login } = await subuser(['file.sftp', 'file.read', 'file.read-content']);
    const s = await ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD });
    expect(Buffer.isBuffer(await op.readFile(s.sftp, '/keep.txt'))).toBe(true);
    await panel.app.pool.query('UPDATE subusers SET permissions = ? WHERE user_id = ? AND server_id = ?',
      [JSON.stringify(['websocket.connect', 'file.sftp', 'file.read']), user.id, server.id]);
    await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: server.uuid });
    expect(await op.readFile(s.sftp, '/keep.txt')).toBe(3);
    expect(await op.readdir(s.sftp, '/')).toEqual(expect.arrayContaining(['keep.txt']));
    let closed = false;
    void s.closed.then(() => { closed = true; });
    await panel.app.pool.query('DELETE FROM subusers WHERE user_id = ? AND server_id = ?', [user.id, server.id]);
    await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: server.uuid });
    await Promise.race([s.closed, new Promise((r) => setTimeout(r, 5000))]);
    expect(closed).toBe(true);
  });

  it('ends the sessions of a suspended user on every server (serverUuid null), leaving other users connected', async () => {
    const { user, login } = await subuser(['file.sftp', 'file.read']);
    const { login: bystanderLogin } = await subuser(['file.sftp', 'file.read']);
    const s = await ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD });
    const bystander = await ssh2Connect({ port: panel.sftpPort, login: bystanderLogin, password: TEST_PASSWORD });
    await panel.app.pool.query('UPDATE users SET suspended = 1 WHERE id = ?', [user.id]);
    await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: null });
    let closed = false;
    await Promise.race([s.closed.then(() => { closed = true; }), new Promise((r) => setTimeout(r, 5000))]);
    expect(closed).toBe(true);
    expect(await op.readdir(bystander.sftp, '/')).toEqual(expect.arrayContaining(['keep.txt']));
    bystander.end();
  });

  it('ends a session when the user\'s credentials change (password change bumps the epoch)', async () => {
    const { user, login } = await subuser(['file.sftp', 'file.read']);
    const s = await ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD });
    await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: null });
    expect(await op.readdir(s.sftp, '/')).toEqual(expect.arrayContaining(['keep.txt']));
    await panel.app.pool.query('UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?', [user.id]);
    await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: null });
    let closed = false;
    await Promise.race([s.closed.then(() => { closed = true; }), new Promise((r) => setTimeout(r, 5000))]);
    expect(closed).toBe(true);
  });

  it('logs in with a key through ssh2 and refuses further attempts after repeated failures', async () => {
    const { user, login } = await subuser(['file.sftp', 'file.read']);
    const key = await keyPair(`k2-${user.uuid.slice(0, 8)}`);
    await panel.app.pool.query('INSERT INTO ssh_keys (user_id, name, fingerprint, public_key, created_at) VALUES (?, ?, ?, ?, NOW(3))',
      [user.id, 'ci', key.fingerprint, key.publicKey]);
    const s = await ssh2Connect({ port: panel.sftpPort, login, privateKey: readFileSync(key.privateKeyFile, 'utf8') });
    expect(await op.readdir(s.sftp, '/')).toEqual(expect.arrayContaining(['keep.txt']));
    s.end();
    for (let i = 0; i < 5; i++) await expect(ssh2Connect({ port: panel.sftpPort, login, password: 'nope' })).rejects.toThrow();
    await expect(ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD })).rejects.toThrow();
    const fails = await eventually(() => activity('auth:sftp.fail', user.id), (r) => r.length >= 5);
    expect(fails.length).toBeGreaterThanOrEqual(5);
  });
});
