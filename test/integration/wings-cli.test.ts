import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@db/client';
import { findNodeByUuid } from '@db/repositories/nodes';
import { findServerByRef } from '@db/repositories/servers';
import { commands } from '@server/cli/commands';
import { HttpError } from '@server/http/errors';
import { FakeWings } from '../fakes/wings/fake-wings';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeUser } from '../factories/records';

/** `node:create --token-id --token`, `node:test` and `server:create --node` (DESIGN §19), run in-process. */
let panel: TestPanel;
let wings: FakeWings;
const TOKEN = 'cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc';

async function cli(name: string, ...args: string[]): Promise<{ code: number; out: Record<string, unknown>; stderr: string }> {
  const command = commands[name];
  if (!command) throw new Error(`no command ${name}`);
  const { values } = parseArgs({ args, options: command.options, strict: true, allowPositionals: false });
  const handle = { db: panel.app.db, pool: panel.app.pool, close: async () => undefined } as DatabaseHandle;
  try {
    return { code: 0, out: await command.run(handle, values as Record<string, string | boolean | undefined>, { appKey: () => panel.app.secrets.appKey }), stderr: '' };
  } catch (err) {
    if (err instanceof HttpError) return { code: 1, out: {}, stderr: err.items().map((i) => i.detail).join(' ') };
    if (err instanceof Error) return { code: 1, out: {}, stderr: err.message };
    throw err;
  }
}

beforeAll(async () => {
  panel = await startTestPanel();
  wings = new FakeWings({ token: TOKEN, allowedOrigin: 'http://localhost:0', version: '1.11.13' });
  await wings.start();
});
afterAll(async () => { await panel?.close(); await wings?.close(); });

describe('node CLI', () => {
  it('takes over a node with its own token pair, stores the secret encrypted, and does not print it back', async () => {
    const made = await cli('node:create', '--name', 'old-node', '--url', wings.url, '--token-id', 'CCCCCCCCCCCCCCCC', '--token', TOKEN);
    expect(made.code).toBe(0);
    expect(made.out).toMatchObject({ token_id: 'CCCCCCCCCCCCCCCC', url: wings.url });
    expect(made.out).not.toHaveProperty('token');
    const row = await findNodeByUuid(panel.app.db, String(made.out.uuid));
    expect(row?.tokenEncrypted).toMatch(/^v1\./);
    expect(row?.tokenEncrypted).not.toContain(TOKEN);

    const tested = await cli('node:test', '--node', String(made.out.uuid));
    expect(tested.out).toMatchObject({ version: '1.11.13', revocation: 'ws/deny' });
    expect(wings.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/system' });
  });

  it('refuses half a pair, a URL with a path, and a token_id taken already, naming the field', async () => {
    expect((await cli('node:create', '--name', 'x', '--url', wings.url, '--token-id', 'DDDDDDDDDDDDDDDD')).stderr).toMatch(/--token-id and --token/);
    expect((await cli('node:create', '--name', 'x', '--url', `${wings.url}/api`)).stderr).toMatch(/without a path/);
    expect((await cli('node:create', '--name', 'x', '--url', wings.url, '--token-id', 'CCCCCCCCCCCCCCCC', '--token', TOKEN)).stderr).toMatch(/already registered/);
  });

  it('says which when the node refuses the token or cannot be reached', async () => {
    const wrong = await cli('node:create', '--name', 'wrong', '--url', wings.url, '--token-id', 'EEEEEEEEEEEEEEEE', '--token', 'e'.repeat(64));
    expect((await cli('node:test', '--node', String(wrong.out.uuid))).stderr).toMatch(/answered 403/);
    const down = await cli('node:create', '--name', 'down', '--url', 'http://127.0.0.1:1');
    expect((await cli('node:test', '--node', String(down.out.uuid))).stderr).toMatch(/"down" cannot be reached/);
  });

  it('creates a server on a node (the node is told), or takes over one it runs by uuid (the node syncs it)', async () => {
    const owner = await makeUser(panel.app.db);
    const nodeUuid = (await cli('node:create', '--name', 'n2', '--url', wings.url, '--token-id', 'FFFFFFFFFFFFFFFF', '--token', TOKEN)).out.uuid as string;
    const made = await cli('server:create', '--owner', owner.email, '--name', 'New', '--command', 'java -jar x.jar', '--node', nodeUuid);
    expect(made.out).toMatchObject({ node: { uuid: nodeUuid, announced: true } });
    expect(wings.servers.has(String(made.out.uuid))).toBe(true);
    const existing = crypto.randomUUID();
    wings.addServer(existing);
    const taken = await cli('server:create', '--owner', owner.email, '--name', 'Old', '--command', 'java -jar x.jar', '--node', nodeUuid, '--uuid', existing);
    expect(taken.out).toMatchObject({ uuid: existing, node: { announced: true } });
    expect(wings.requests.at(-1)).toMatchObject({ method: 'POST', path: `/api/servers/${existing}/sync` });
    expect((await findServerByRef(panel.app.db, existing))?.nodeId).toBe((await findNodeByUuid(panel.app.db, nodeUuid))?.id);
  });

  it('node:update changes name, URL and token pair (re-encrypted, checked by hash), audited without the secret', async () => {
    const made = await cli('node:create', '--name', 'moving', '--url', 'http://127.0.0.1:1', '--token-id', 'GGGGGGGGGGGGGGGG', '--token', 'g'.repeat(64));
    const uuid = String(made.out.uuid);
    expect((await cli('node:test', '--node', uuid)).code).toBe(1);
    const moved = await cli('node:update', '--node', uuid, '--name', 'moved', '--url', wings.url, '--token-id', 'HHHHHHHHHHHHHHHH', '--token', TOKEN);
    expect(moved.out).toEqual({ uuid, name: 'moved', url: wings.url, token_id: 'HHHHHHHHHHHHHHHH' });
    const row = await findNodeByUuid(panel.app.db, uuid);
    expect(row?.tokenHash).toBe(createHash('sha256').update(TOKEN).digest('hex'));
    expect(row?.tokenEncrypted).not.toContain(TOKEN);
    expect((await cli('node:test', '--node', uuid)).out).toMatchObject({ version: '1.11.13' });
    const [audit] = await panel.app.pool.query('SELECT event, properties FROM activity_logs WHERE event = ? ORDER BY id DESC LIMIT 1', ['admin:node.update']) as unknown as [Array<{ properties: string | object }>];
    const properties = JSON.stringify(audit[0]?.properties);
    expect(properties).toContain('moved');
    expect(properties).toContain('changed');
    expect(properties).not.toContain(TOKEN);
  });

  it('node:update refuses nothing to change, half a pair, a path, an unknown node and a taken token_id', async () => {
    const uuid = String((await cli('node:create', '--name', 'still', '--url', wings.url)).out.uuid);
    expect((await cli('node:update', '--node', uuid)).stderr).toMatch(/at least one/);
    expect((await cli('node:update', '--node', uuid, '--token', TOKEN)).stderr).toMatch(/--token-id and --token/);
    expect((await cli('node:update', '--node', uuid, '--url', `${wings.url}/x`)).stderr).toMatch(/without a path/);
    expect((await cli('node:update', '--node', crypto.randomUUID(), '--name', 'x')).stderr).toMatch(/No node has the uuid/);
    expect((await cli('node:update', '--node', uuid, '--token-id', 'CCCCCCCCCCCCCCCC', '--token', TOKEN)).stderr).toMatch(/already registered/);
    expect((await findNodeByUuid(panel.app.db, uuid))?.name).toBe('still');
  });

  it('node:delete refuses a node with servers on it, and deletes an empty one with its audit row', async () => {
    const owner = await makeUser(panel.app.db);
    const uuid = String((await cli('node:create', '--name', 'busy', '--url', wings.url)).out.uuid);
    const server = await cli('server:create', '--owner', owner.email, '--name', 'On busy', '--command', 'x', '--node', uuid);
    const refused = await cli('node:delete', '--node', uuid);
    expect(refused.stderr).toMatch(/still has 1 server/);
    expect(await findNodeByUuid(panel.app.db, uuid)).not.toBeNull();
    await panel.app.pool.query('DELETE FROM servers WHERE uuid = ?', [server.out.uuid]);
    expect((await cli('node:delete', '--node', uuid)).out).toEqual({ deleted: uuid, name: 'busy' });
    expect(await findNodeByUuid(panel.app.db, uuid)).toBeNull();
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM activity_logs WHERE event = ?', ['admin:node.delete']) as unknown as [Array<{ n: number }>];
    expect(Number(rows[0]?.n)).toBe(1);
    expect((await cli('node:delete', '--node', uuid)).stderr).toMatch(/No node has the uuid/);
  });
});
