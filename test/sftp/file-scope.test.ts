import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRoot } from '@bridge/files/local-filesystem';
import { FileScope } from '@contracts/file-scope';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { HttpClient, type HttpResult } from '../factories/http';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import { op, ssh2Connect } from './clients';

/**
 * Path scopes (DESIGN §20) judged three ways: the file routes over HTTP, SFTP, and a reference model (FileScope on
 * the path as named and as its symlink resolves, over a fixed tree). fast-check generates scopes and operations; every
 * run starts from the same tree, so HTTP and SFTP each see exactly what the model sees.
 */
let panel: TestPanel;
let server: ServerRow;
let user: UserRow;
let http: HttpClient;
let root: string;
const login = () => `${user.username}.${server.identifier}`;
const KEYS = ['file.sftp', 'file.read', 'file.read-content', 'file.create', 'file.update', 'file.delete'];

const FILES = ['/x.txt', '/a/x.txt', '/a/ab/x.txt', '/b/x.txt', '/b/a/x.txt'];
const DIRS = ['/', '/a', '/a/ab', '/b', '/b/a', '/a/link'];
/** `/a/link` is a symlink to `/b`: the model follows it as the jail does. */
const real = (p: string) => (p === '/a/link' || p.startsWith('/a/link/') ? `/b${p.slice('/a/link'.length)}` : p);

function resetTree(): void {
  rmSync(root, { recursive: true, force: true });
  for (const d of ['a/ab', 'b/a']) mkdirSync(path.join(root, d), { recursive: true });
  for (const f of FILES) writeFileSync(path.join(root, f), `content of ${f}`);
  symlinkSync('../b', path.join(root, 'a', 'link'));
}

function childrenOf(dir: string): string[] {
  return readdirSync(path.join(root, real(dir))).sort();
}

type Op =
  | { kind: 'list'; dir: string }
  | { kind: 'read' | 'write' | 'delete'; file: string }
  | { kind: 'mkdir'; dir: string }
  | { kind: 'rename'; from: string; to: string };

const SEGMENTS = ['a', 'b', 'ab', 'x.txt', 'link', '*', '?', 'a*', '*.txt', '**'];
const pattern = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`);
const scope = fc.array(pattern, { minLength: 1, maxLength: 3 });
const file = fc.constantFrom(...FILES, '/a/link/x.txt', '/a/link/a/x.txt');
const fresh = fc.constantFrom('/new.txt', '/a/new.txt', '/b/new.txt', '/a/ab/new.txt', '/a/link/new.txt');
const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('list' as const), dir: fc.constantFrom(...DIRS) }),
  fc.record({ kind: fc.constantFrom('read' as const, 'write' as const, 'delete' as const), file }),
  fc.record({ kind: fc.constant('mkdir' as const), dir: fc.constantFrom('/newdir', '/a/newdir', '/b/newdir', '/a/link/newdir') }),
  fc.record({ kind: fc.constant('rename' as const), from: file, to: fresh }),
);

type Outcome = string;
function model(patterns: readonly string[], o: Op): Outcome {
  const s = new FileScope(patterns);
  const allows = (p: string) => s.allows(p) && s.allows(real(p));
  switch (o.kind) {
    case 'list': return s.reveals(o.dir) && s.reveals(real(o.dir)) ? `ok ${childrenOf(o.dir).filter((n) => s.reveals(path.posix.join(o.dir, n))).join(',')}` : 'denied';
    case 'read': case 'write': case 'delete': return allows(o.file) ? 'ok' : 'denied';
    case 'mkdir': return allows(o.dir) ? 'ok' : 'denied';
    case 'rename': return allows(o.from) && allows(o.to) ? 'ok' : 'denied';
  }
}

function fromHttp(res: HttpResult, names?: () => string): Outcome {
  if (res.status >= 200 && res.status < 300) return names ? `ok ${names()}` : 'ok';
  return res.status === 403 ? 'denied' : `error ${res.status} ${res.text.slice(0, 120)}`;
}

async function viaHttp(o: Op): Promise<Outcome> {
  const base = `/api/client/servers/${server.identifier}/files`;
  switch (o.kind) {
    case 'list': {
      const res = await http.get(`${base}/list?directory=${encodeURIComponent(o.dir)}`);
      return fromHttp(res, () => (res.body.data as Array<{ attributes: { name: string } }>).map((d) => d.attributes.name).sort().join(','));
    }
    case 'read': return fromHttp(await http.get(`${base}/contents?file=${encodeURIComponent(o.file)}`));
    case 'write': return fromHttp(await http.request('POST', `${base}/write?file=${encodeURIComponent(o.file)}`, 'written', { raw: true, headers: { 'content-type': 'text/plain' } }));
    case 'delete': return fromHttp(await http.post(`${base}/delete`, { root: '/', files: [o.file.slice(1)] }));
    case 'mkdir': return fromHttp(await http.post(`${base}/create-folder`, { root: path.posix.dirname(o.dir), name: path.posix.basename(o.dir) }));
    case 'rename': return fromHttp(await http.put(`${base}/rename`, { root: '/', files: [{ from: o.from.slice(1), to: o.to.slice(1) }] }));
  }
}

async function viaSftp(o: Op): Promise<Outcome> {
  const session = await ssh2Connect({ port: panel.sftpPort, login: login(), password: TEST_PASSWORD });
  try {
    const s = session.sftp;
    const code = (r: unknown): Outcome => (r === null || Buffer.isBuffer(r) ? 'ok' : r === 3 ? 'denied' : `error ${String(r)}`);
    switch (o.kind) {
      case 'list': {
        const r = await op.readdir(s, o.dir);
        return Array.isArray(r) ? `ok ${r.filter((n) => n !== '.' && n !== '..').sort().join(',')}` : code(r);
      }
      case 'read': return code(await op.readFile(s, o.file));
      case 'write': return code(await op.writeFile(s, o.file, 'written'));
      case 'delete': return code(await op.unlink(s, o.file));
      case 'mkdir': return code(await op.mkdir(s, o.dir));
      case 'rename': return code(await op.rename(s, o.from, o.to));
    }
  } finally {
    session.end();
    await session.closed;
  }
}

async function setScope(patterns: readonly string[] | null): Promise<void> {
  await panel.app.pool.query('UPDATE subusers SET file_scope = ? WHERE server_id = ? AND user_id = ?',
    [patterns ? JSON.stringify({ paths: patterns }) : null, server.id, user.id]);
}

beforeAll(async () => {
  panel = await startTestPanel();
  const owner = await makeUser(panel.app.db);
  server = await makeServer(panel.app.db, owner);
  user = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, KEYS);
  http = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
  root = serverRoot(panel.dataDir, server.uuid);
});
afterAll(async () => { await panel?.close(); });

describe('path scopes: HTTP and SFTP agree with the reference model', () => {
  it('for generated scopes and operations (0 counterexamples)', async () => {
    await fc.assert(fc.asyncProperty(scope, operation, async (patterns, o) => {
      await setScope(patterns);
      resetTree();
      const expected = model(patterns, o);
      const overHttp = await viaHttp(o);
      resetTree();
      const overSftp = await viaSftp(o);
      expect({ http: overHttp, sftp: overSftp }).toEqual({ http: expected, sftp: expected });
    }), { numRuns: 60 });
  }, 600_000);

  it('narrows an open SFTP session when a scope is set (revocation), without reconnecting', async () => {
    await setScope(null);
    resetTree();
    const session = await ssh2Connect({ port: panel.sftpPort, login: login(), password: TEST_PASSWORD });
    try {
      expect(Buffer.isBuffer(await op.readFile(session.sftp, '/b/x.txt'))).toBe(true);
      await setScope(['/a/**']);
      await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: server.uuid });
      // The bus delivers asynchronously: read until the session has been narrowed (the test timeout is the bound).
      let result = await op.readFile(session.sftp, '/b/x.txt');
      while (Buffer.isBuffer(result)) result = await op.readFile(session.sftp, '/b/x.txt');
      expect(result).toBe(3);
      expect(Buffer.isBuffer(await op.readFile(session.sftp, '/a/x.txt'))).toBe(true);
    } finally {
      session.end();
      await session.closed;
    }
  }, 120_000);

  it('an unscoped subuser sees and does everything (the scope is what refuses above)', async () => {
    await setScope(null);
    resetTree();
    expect(await viaHttp({ kind: 'list', dir: '/' })).toBe(`ok ${childrenOf('/').join(',')}`);
    expect(await viaSftp({ kind: 'read', file: '/b/x.txt' })).toBe('ok');
  }, 120_000);
});
