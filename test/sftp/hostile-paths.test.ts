import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import type { ServerRow } from '@db/schema/servers';
import { HttpClient } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeUser, TEST_PASSWORD } from '../factories/records';
import { op, ssh2Connect, type Ssh2Session } from './clients';

/**
 * Property: whatever path a client sends, over HTTP or SFTP, nothing outside the server's root is read or written.
 * Outside the root sit a canary file, another server's root, and symlinks inside the root that point at both.
 */
let panel: TestPanel;
let server: ServerRow;
let root: string;
let outside: string;
let sibling: string;
let api: HttpClient;
let sftp: Ssh2Session;
let login: string;

const SEGMENTS = ['..', '.', '', 'evil', 'evildir', 'sibling', 'loop', 'sub', 'ok.txt', 'canary.txt', 'secret.txt', 'outside',
  'servers', '\0', '..\\..', '%2e%2e', '...', '~', 'new.txt', 'links', 'a\0..', ' ', '.hidden'];
const hostilePath = fc.tuple(
  fc.boolean(),
  fc.array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...SEGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { minLength: 1, maxLength: 6 }),
  fc.constantFrom('/', '//'),
).map(([lead, segs, sep]) => (lead ? '/' : '') + segs.join(sep));

function snapshot(): string {
  const list = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort().join('|');
  return [readFileSync(path.join(outside, 'canary.txt'), 'utf8'), readFileSync(path.join(sibling, 'secret.txt'), 'utf8'), list(outside), list(sibling)].join('\n');
}

beforeAll(async () => {
  panel = await startTestPanel({ env: { FILE_MAX_UPLOAD_BYTES: '1024' } });
  const owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  const other = await makeServer(panel.app.db, owner);
  root = serverRoot(panel.dataDir, server.uuid);
  sibling = serverRoot(panel.dataDir, other.uuid);
  outside = path.join(panel.dataDir, 'outside');
  for (const d of [path.join(root, 'sub'), path.join(root, 'links'), sibling, outside]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(outside, 'canary.txt'), 'CANARY');
  writeFileSync(path.join(sibling, 'secret.txt'), 'SECRET');
  // Names no generated path contains: a listing that shows them listed a directory outside the root.
  writeFileSync(path.join(outside, 'zz-outside-marker'), '');
  writeFileSync(path.join(sibling, 'zz-sibling-marker'), '');
  writeFileSync(path.join(root, 'ok.txt'), 'ok');
  symlinkSync('../../outside/canary.txt', path.join(root, 'evil'));
  symlinkSync(outside, path.join(root, 'evildir'));
  symlinkSync(`../${other.uuid}`, path.join(root, 'sibling'));
  symlinkSync('loop', path.join(root, 'loop'));
  api = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, owner));
  login = `${owner.username}.${server.identifier}`;
  sftp = await ssh2Connect({ port: panel.sftpPort, login, password: TEST_PASSWORD });
});
afterAll(async () => {
  sftp?.end();
  await panel?.close();
});

describe('hostile paths never escape the root', () => {
  it('over HTTP', async () => {
    const before = snapshot();
    const files = `/api/client/servers/${server.identifier}/files`;
    await fc.assert(fc.asyncProperty(hostilePath, fc.nat(3), async (p, which) => {
      const q = encodeURIComponent(p);
      const res = which === 0 ? await api.get(`${files}/contents?file=${q}`)
        : which === 1 ? await api.post(`${files}/write?file=${q}`, 'PWNED', { raw: true, headers: { 'content-type': 'text/plain' } })
          : which === 2 ? await api.get(`${files}/list?directory=${q}`)
            : await api.post(`${files}/create-folder`, { root: p, name: 'made' });
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toMatch(/CANARY|SECRET|zz-outside-marker|zz-sibling-marker/);
    }), { numRuns: 1200 });
    expect(snapshot()).toBe(before);
  });

  it('over SFTP, including symlinks the client creates', async () => {
    const before = snapshot();
    let n = 0;
    await fc.assert(fc.asyncProperty(hostilePath, fc.nat(4), async (p, which) => {
      const s = sftp.sftp;
      if (which === 0) {
        const r = await op.readFile(s, p);
        if (Buffer.isBuffer(r)) expect(r.toString()).not.toMatch(/CANARY|SECRET/);
      } else if (which === 1) {
        await op.writeFile(s, p, 'PWNED');
      } else if (which === 2) {
        const r = await op.readdir(s, p);
        if (Array.isArray(r)) expect(r.join('|')).not.toMatch(/zz-outside-marker|zz-sibling-marker/);
      } else if (which === 3) {
        await op.mkdir(s, p);
      } else {
        const link = `/links/l${n++}`;
        await op.symlink(s, p, link);
        const r = await op.readFile(s, link);
        if (Buffer.isBuffer(r)) expect(r.toString()).not.toMatch(/CANARY|SECRET/);
        await op.writeFile(s, link, 'PWNED');
      }
    }), { numRuns: 1200 });
    expect(snapshot()).toBe(before);
  });
});
