import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeUser, TEST_PASSWORD } from '../factories/records';
import { activityOf } from './account-support';

let panel: TestPanel;
let dir: string;
beforeAll(async () => {
  panel = await startTestPanel({ env: { LOGIN_RATE_LIMIT: '1000' } });
  dir = mkdtempSync(path.join(os.tmpdir(), 'cohost-ssh-keys-'));
});
afterAll(async () => {
  await panel?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A real key pair made by OpenSSH's ssh-keygen; returns the public line and what `ssh-keygen -l` prints for it. */
function keygen(name: string, type: string, bits?: number): { publicKey: string; privateKey: string; fingerprint: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', `${name}@test`, '-f', file]);
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).toString().split(' ')[1] ?? '';
  return { publicKey: readFileSync(`${file}.pub`, 'utf8'), privateKey: readFileSync(file, 'utf8'), fingerprint };
}

async function signedIn(): Promise<{ c: HttpClient; userId: number; email: string }> {
  const user = await makeUser(panel.app.db);
  const c = new HttpClient(panel.url);
  expect((await c.login(user.email, TEST_PASSWORD)).status).toBe(200);
  return { c, userId: user.id, email: user.email };
}

describe('SSH keys', () => {
  it('accepts ed25519, ecdsa and RSA 2048 keys with ssh-keygen\'s SHA256 fingerprint', async () => {
    const { c, userId } = await signedIn();
    const keys = [keygen('ed', 'ed25519'), keygen('ec', 'ecdsa', 256), keygen('rsa', 'rsa', 2048)];
    for (const [i, key] of keys.entries()) {
      const res = await c.post('/api/client/account/ssh-keys', { name: `key ${i}`, public_key: key.publicKey });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ object: 'ssh_key', attributes: { name: `key ${i}`, fingerprint: key.fingerprint } });
      expect(res.body.attributes.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    }
    const listed = await c.get('/api/client/account/ssh-keys');
    expect(listed.body.data.map((k: { attributes: { fingerprint: string } }) => k.attributes.fingerprint)).toEqual(keys.map((k) => k.fingerprint));
    expect((await activityOf(panel, userId)).filter((r) => r.event === 'user:ssh-key.create')).toHaveLength(3);
  });

  it('refuses short RSA keys, private keys, garbage and duplicates with 422 naming public_key', async () => {
    const { c } = await signedIn();
    const weak = ssh2.utils.generateKeyPairSync('rsa', { bits: 1024 });
    const good = keygen('dup', 'ed25519');
    const cases: Array<[string, RegExp]> = [
      [weak.public, /2048/],
      [good.privateKey, /not valid/],
      ['ssh-ed25519 AAAAthisisnotakey', /not valid/],
      ['hello', /not valid/],
    ];
    for (const [publicKey, detail] of cases) {
      const res = await c.post('/api/client/account/ssh-keys', { name: 'bad', public_key: publicKey });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].meta.source_field).toBe('public_key');
      expect(res.body.errors[0].detail).toMatch(detail);
    }
    expect((await c.post('/api/client/account/ssh-keys', { name: 'first', public_key: good.publicKey })).status).toBe(200);
    const dup = await c.post('/api/client/account/ssh-keys', { name: 'again', public_key: good.publicKey.replace('dup@test', 'renamed') });
    expect(dup.status).toBe(422);
    expect(dup.body.errors[0].meta).toMatchObject({ source_field: 'public_key', rule: 'unique' });
    const noName = await c.post('/api/client/account/ssh-keys', { name: '', public_key: keygen('n', 'ed25519').publicKey });
    expect(noName.status).toBe(422);
    expect(noName.body.errors[0].meta.source_field).toBe('name');
    expect((await c.get('/api/client/account/ssh-keys')).body.data).toHaveLength(1);
  });

  it('lets the same key live on two accounts, and removes by fingerprint only from the caller\'s own', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const key = keygen('shared', 'ed25519');
    expect((await a.c.post('/api/client/account/ssh-keys', { name: 'a', public_key: key.publicKey })).status).toBe(200);
    expect((await b.c.post('/api/client/account/ssh-keys', { name: 'b', public_key: key.publicKey })).status).toBe(200);
    expect((await b.c.post('/api/client/account/ssh-keys/remove', { fingerprint: key.fingerprint })).status).toBe(204);
    expect((await b.c.get('/api/client/account/ssh-keys')).body.data).toHaveLength(0);
    expect((await a.c.get('/api/client/account/ssh-keys')).body.data).toHaveLength(1);
    expect((await activityOf(panel, b.userId)).map((r) => r.event)).toContain('user:ssh-key.delete');
  });

  it('can be managed with an API key', async () => {
    const user = await makeUser(panel.app.db);
    const keyed = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    const key = keygen('ci', 'ed25519');
    expect((await keyed.post('/api/client/account/ssh-keys', { name: 'ci', public_key: key.publicKey })).status).toBe(200);
    expect((await keyed.get('/api/client/account/ssh-keys')).body.data).toHaveLength(1);
  });
});
