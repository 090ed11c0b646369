import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../factories/http';
import { giveAllocation, uniqueIp } from '../factories/network';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';

/**
 * Issue 24: the guarded read of a server is one database round trip, its allocations included (they are read with
 * the caller and the membership). Counted as connections taken from the pool, with the job runner off so nothing
 * else in the panel touches the database meanwhile.
 */
let panel: TestPanel;
beforeAll(async () => { panel = await startTestPanel({ env: { RUNNER_ENABLED: 'false' } }); });
afterAll(async () => { await panel?.close(); });

async function roundTrips(send: () => Promise<unknown>, times = 10): Promise<number> {
  let taken = 0;
  const count = (): void => { taken++; };
  const pool = panel.app.pool.pool;
  pool.on('acquire', count);
  try {
    for (let i = 0; i < times; i++) await send();
  } finally {
    pool.off('acquire', count);
  }
  return taken / times;
}

async function world(keys: string[]) {
  const owner = await makeUser(panel.app.db);
  const user = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner);
  const ip = uniqueIp();
  await giveAllocation(panel.app.db, server, ip, 25565, true);
  await giveAllocation(panel.app.db, server, ip, 25566);
  await makeSubuser(panel.app.db, server, user, keys);
  return { user, server, ip };
}

describe('GET /api/client/servers/{server}', () => {
  it.each([
    ['without allocation.read: the primary only', ['control.console'], [25565]],
    ['with allocation.read: every allocation, primary first', ['allocation.read'], [25565, 25566]],
  ])('by API key, %s, in one round trip', async (_label, keys, ports) => {
    const { user, server } = await world(keys);
    const client = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    const path = `/api/client/servers/${server.identifier}`;
    const first = await client.get(path); // the key's last_used_at touch happens here, once a minute at most
    expect(first.status).toBe(200);
    const shown = first.body.attributes.relationships.allocations.data as Array<{ attributes: { port: number; is_default: boolean } }>;
    expect(shown.map((a) => a.attributes.port)).toEqual(ports);
    expect(shown[0]?.attributes.is_default).toBe(true);
    expect(await roundTrips(async () => expect((await client.get(path)).status).toBe(200))).toBe(1);
  });

  it('by session cookie, in one round trip', async () => {
    const { user, server } = await world(['control.console']);
    const client = new HttpClient(panel.url);
    await client.login(user.email, TEST_PASSWORD);
    const path = `/api/client/servers/${server.uuid}`;
    expect((await client.get(path)).status).toBe(200);
    expect(await roundTrips(async () => expect((await client.get(path)).status).toBe(200))).toBe(1);
  });

  it('a server without allocations answers an empty list, still in one round trip', async () => {
    const owner = await makeUser(panel.app.db);
    const user = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    await makeSubuser(panel.app.db, server, user, ['allocation.read']);
    const client = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    const path = `/api/client/servers/${server.identifier}`;
    expect((await client.get(path)).body.attributes.relationships.allocations).toEqual({ object: 'list', data: [] });
    expect(await roundTrips(() => client.get(path))).toBe(1);
  });
});

describe('the owner\'s view (startup.read renders the invocation)', () => {
  // The guard's statement, then the run spec: the software with its definition (one join), its variables, the
  // primary allocation and the private networks. Before, the software was read three times (six round trips).
  it('reads the software once: GET /servers/{server} for the owner takes at most four round trips', async () => {
    const owner = await makeUser(panel.app.db);
    const servers = [await makeServer(panel.app.db, owner)];
    const client = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, owner));
    const path = `/api/client/servers/${servers[0]!.identifier}`;
    expect((await client.get(path)).status).toBe(200);
    expect(await roundTrips(() => client.get(path))).toBeLessThanOrEqual(4);
  });
});
