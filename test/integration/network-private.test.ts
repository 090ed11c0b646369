import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@db/client';
import { serverRunSpec } from '@db/repositories/server-environment';
import { commands } from '@server/cli/commands';
import { HttpError } from '@server/http/errors';
import { findServerByRef } from '@db/repositories/servers';
import type { ServerRow } from '@db/schema/servers';
import { HttpClient } from '../factories/http';
import { freePort, startWithSpec } from '../factories/network';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeSubuser, makeUser } from '../factories/records';
import { killToOffline } from '../matrix/processes';

let panel: TestPanel;
beforeAll(async () => {
  process.env.SAMPLE_BOOT_MS = '0';
  panel = await startTestPanel();
});
afterAll(async () => { await panel?.close(); });

/**
 * The admin CLI's commands, run in-process against the panel's database (spawning the binary costs a boot and the
 * migrations per call; test/integration/cli.test.ts proves the binary itself). Bad input answers like the CLI: the
 * details on one line.
 */
async function cli(name: string, ...args: string[]): Promise<{ code: number; out: Record<string, unknown> | null; stderr: string }> {
  const command = commands[name];
  if (!command) throw new Error(`no command ${name}`);
  const { values } = parseArgs({ args, options: command.options, strict: true, allowPositionals: false });
  try {
    const handle = { db: panel.app.db, pool: panel.app.pool, close: async () => undefined } as DatabaseHandle;
    return { code: 0, out: await command.run(handle, values as Record<string, string | boolean | undefined>, { appKey: () => panel.app.secrets.appKey }), stderr: '' };
  } catch (err) {
    if (err instanceof HttpError) return { code: 1, out: null, stderr: err.items().map((i) => i.detail).join(' ') };
    throw err;
  }
}

describe('allocation pools and private networks from the CLI', () => {
  it('gives CLI-made servers their ports, lists network peers and passes them to the process', async () => {
    const owner = await makeUser(panel.app.db);
    const [p1, p2] = [await freePort(), await freePort()].sort((a, b) => a - b); // assigned lowest first
    const bad = await cli('allocation:create', '--ip', '127.0.0.1', '--ports', '80');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/between 1024 and 65535/);
    expect((await cli('allocation:create', '--ip', '127.0.0.1', '--ports', `${p1},${p2}`)).out).toMatchObject({ added: 2, ports: 2 });
    expect((await cli('allocation:create', '--ip', '127.0.0.1', '--ports', `${p1}`)).out).toMatchObject({ added: 0 });

    const made: ServerRow[] = [];
    for (const name of ['lobby', 'arena']) {
      const res = await cli('server:create', '--owner', owner.email, '--name', name);
      expect(res.code).toBe(0);
      made.push(await findServerByRef(panel.app.db, String(res.out?.identifier)) as ServerRow);
    }
    const [lobby, arena] = made as [ServerRow, ServerRow];
    expect((await cli('network:create', '--name', 'Backend')).out).toMatchObject({ name: 'backend' });
    expect((await cli('network:create', '--name', 'backend')).stderr).toMatch(/already exists/);
    for (const s of [lobby, arena]) expect((await cli('network:add', '--network', 'backend', '--server', s.identifier)).code).toBe(0);

    const o = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, owner));
    const list = await o.get(`/api/client/servers/${lobby.identifier}/network/private`);
    expect(list.body).toEqual({
      object: 'list',
      data: [{ object: 'private_network', attributes: {
        id: expect.any(Number), name: 'backend', env: 'COHOST_NETWORK_BACKEND', created_at: expect.any(String),
        members: [{ identifier: arena.identifier, name: 'arena', address: '127.0.0.1', port: p2 }],
      } }],
    });
    const spec = await serverRunSpec(panel.app.db, lobby);
    // Beside the software's variables (SERVER_MEMORY, the generic runner's STARTUP, …): the network's own part.
    expect(spec.environment).toMatchObject({ SERVER_IP: '127.0.0.1', SERVER_PORT: String(p1), COHOST_NETWORK_BACKEND: `${arena.identifier}=127.0.0.1:${p2}` });

    // network.read guards the list; a member without it gets 403, a stranger 404.
    const member = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, lobby, member, ['control.console']);
    expect((await new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, member)).get(`/api/client/servers/${lobby.identifier}/network/private`)).status).toBe(403);

    expect((await cli('network:remove', '--network', 'backend', '--server', arena.identifier)).code).toBe(0);
    expect((await serverRunSpec(panel.app.db, lobby)).environment.COHOST_NETWORK_BACKEND).toBe('');
  });

  it('runs the sample game server on its primary allocation (SERVER_PORT)', async () => {
    const owner = await makeUser(panel.app.db);
    const port = await freePort();
    await cli('allocation:create', '--ip', '127.0.0.1', '--ports', String(port));
    const res = await cli('server:create', '--owner', owner.email, '--name', 'sample');
    const server = await findServerByRef(panel.app.db, String(res.out?.identifier)) as ServerRow;
    await startWithSpec(panel.app, server);
    try {
      const status = await (await fetch(`http://127.0.0.1:${port}/`)).json() as Record<string, unknown>;
      expect(status).toMatchObject({ game: 'sample', uuid: server.uuid, port });
      expect((await panel.app.daemon.logs(server, 20)).join('\n')).toContain(`Listening on 127.0.0.1:${port}`);
    } finally {
      await killToOffline(panel.app, server);
    }
  });
});
