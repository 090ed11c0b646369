import { parseArgs } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootCohost } from '@server/boot';
import { commands } from '@server/cli/commands';
import { HttpError } from '@server/http/errors';
import { findServerByRef } from '@db/repositories/servers';
import { createTestDatabase, type TestDatabase } from '../factories/database';

/** Software import/export from the CLI, and a server created there installed by the panel's next boot. */
let database: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-software-cli-'));
});
afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * The CLI commands run in-process against the test database (the spawn path of `npm run cohost` is proven by
 * cli.test.ts): `{ code, out, error }` as the CLI would print them.
 */
async function cli(name: string, ...args: string[]): Promise<{ code: number; out: Record<string, any>; stderr: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const command = commands[name];
  if (!command) throw new Error(`no command ${name}`);
  const { values } = parseArgs({ args, options: command.options, strict: true, allowPositionals: false });
  try {
    return { code: 0, out: await command.run(database.handle, values as Record<string, string | boolean | undefined>, { appKey: () => 'startup-cli-test-app-key' }), stderr: '' };
  } catch (err) {
    if (err instanceof HttpError) return { code: 1, out: {}, stderr: err.items().map((i) => i.detail).join(' ') };
    throw err;
  }
}
const json = (r: { out: Record<string, any> }) => r.out; // eslint-disable-line @typescript-eslint/no-explicit-any

const egg = {
  meta: { version: 'PTDL_v2', update_url: null }, name: 'Tiny Egg', author: 'x@example.com', description: 'An egg',
  docker_images: { 'Node 20': 'ghcr.io/pterodactyl/yolks:nodejs_20' }, startup: 'node {{MAIN}}',
  config: { files: '{}', startup: '{"done": "ready"}', logs: '{}', stop: '^C' },
  scripts: { installation: { script: 'echo installed > installed.txt', container: 'alpine', entrypoint: 'ash' } },
  variables: [{ name: 'Main', description: '', env_variable: 'MAIN', default_value: 'a.js', user_viewable: true, user_editable: true, rules: 'required|string|max:20', field_type: 'text' }],
};

describe('software from the CLI', () => {
  it('imports an egg, refuses a second import and bundled ids, exports both formats, lists', async () => {
    const file = path.join(dataDir, 'egg.json');
    writeFileSync(file, JSON.stringify(egg));
    const imported = await cli('software:import', '--file', file);
    expect(imported.code).toBe(0);
    expect(json(imported)).toMatchObject({ id: 'tiny-egg', name: 'Tiny Egg', variables: 1, replaced: false, dropped: [] });
    const again = await cli('software:import', '--file', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/--replace/);
    expect((await cli('software:import', '--file', file, '--replace')).code).toBe(0);
    expect((await cli('software:import', '--file', file, '--id', 'paper')).stderr).toMatch(/bundled/);
    const badRule = path.join(dataDir, 'bad.json');
    writeFileSync(badRule, JSON.stringify({ ...egg, variables: [{ ...egg.variables[0], rules: 'required|digits:3' }] }));
    const bad = await cli('software:import', '--file', badRule, '--id', 'bad-egg');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/digits/);

    const cohost = json(await cli('software:export', '--id', 'tiny-egg'));
    expect(cohost.definition).toMatchObject({ id: 'tiny-egg', stop: { type: 'signal', value: 'SIGINT' }, done: 'ready', install: { entrypoint: 'ash' } });
    const out = path.join(dataDir, 'out.json');
    expect((await cli('software:export', '--id', 'tiny-egg', '--format', 'ptdl', '--file', out)).code).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    expect(exported).toMatchObject({ meta: { version: 'PTDL_v2' }, startup: 'node {{MAIN}}', config: { stop: '^C' } });
    const list = json(await cli('software:list'));
    expect(list.software.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(['generic', 'node-app', 'paper', 'sample-game', 'tiny-egg']));
  });

  it('a server created with software is installed by the panel at its next boot', async () => {
    expect((await cli('user:create', '--email', 'op@example.com', '--username', 'op', '--password', 'longenough1')).code).toBe(0);
    const created = json(await cli('server:create', '--owner', 'op@example.com', '--name', 'Tiny', '--software', 'tiny-egg'));
    expect(created.software).toBe('tiny-egg');
    const legacy = json(await cli('server:create', '--owner', 'op@example.com', '--name', 'Cmd', '--command', 'echo hi'));
    expect(legacy.software).toBe('generic');
    const cohost = await bootCohost({ env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SFTP_PORT: '0', LOG_LEVEL: 'silent' } });
    try {
      const root = path.join(dataDir, 'servers', created.uuid);
      await expect.poll(async () => (await findServerByRef(cohost.app.db, created.uuid))?.status, { timeout: 15_000 }).toBeNull();
      expect(readFileSync(path.join(root, 'installed.txt'), 'utf8')).toBe('installed\n');
      expect((await findServerByRef(cohost.app.db, legacy.uuid))?.startupCommand).toBe('echo hi');
      expect(existsSync(path.join(dataDir, 'servers', legacy.uuid, 'start.sh'))).toBe(false);
    } finally {
      await cohost.close();
    }
  });
});
