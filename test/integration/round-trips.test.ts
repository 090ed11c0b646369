import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../factories/http';
import { and, eq, inArray } from 'drizzle-orm';
import { allocations } from '@db/schema/network';
import { users } from '@db/schema/users';
import { ALLOCATION_ROWS } from '@db/repositories/principal';
import { giveAllocation, makePool, uniqueIp } from '../factories/network';
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

  it('sorts the guard\'s list as the allocations route does: primary first, then ip, then port (no ORDER BY in SQL)', async () => {
    const owner = await makeUser(panel.app.db);
    const user = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const [low, high] = [uniqueIp(), uniqueIp()].sort();
    // Given out of order, the primary neither the lowest ip nor the lowest port.
    for (const [ip, port, primary] of [[low, 30002, false], [high, 30001, true], [high, 30000, false], [low, 30001, false], [high, 29999, false]] as const) {
      await giveAllocation(panel.app.db, server, ip!, port, primary);
    }
    await makeSubuser(panel.app.db, server, user, ['allocation.read']);
    const client = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    const fromGuard = (await client.get(`/api/client/servers/${server.identifier}`)).body.attributes.relationships.allocations.data as Array<{ attributes: { ip: string; port: number } }>;
    const fromRoute = (await client.get(`/api/client/servers/${server.identifier}/network/allocations`)).body.data as Array<{ attributes: { ip: string; port: number } }>;
    const expected = [`${high}:30001`, `${low}:30001`, `${low}:30002`, `${high}:29999`, `${high}:30000`];
    expect(fromGuard.map((a) => `${a.attributes.ip}:${a.attributes.port}`)).toEqual(expected);
    expect(fromRoute.map((a) => `${a.attributes.ip}:${a.attributes.port}`)).toEqual(expected);
  });

  it('joins the primary alone for a member without allocation.read, and still shows everything at once after a grant', async () => {
    const { user, server } = await world(['control.console']);
    const owner = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, (await panel.app.db.select().from(users).where(eq(users.id, server.ownerId)))[0]!));
    const member = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    const path = `/api/client/servers/${server.identifier}`;
    const ports = async () => ((await member.get(path)).body.attributes.relationships.allocations.data as Array<{ attributes: { port: number; notes: string | null } }>).map((a) => a.attributes.port);
    expect(await ports()).toEqual([25565]); // first read: every allocation joined, the primary shown
    expect(await roundTrips(async () => expect(await ports()).toEqual([25565]))).toBe(1); // now the primary alone is joined
    // Granted allocation.read: the very next read shows every allocation (its guard joined only the primary, so the
    // route reads the list itself, a second round trip once); the reads after that join them all again.
    const granted = await owner.post(`/api/client/servers/${server.uuid}/users/${user.uuid}`, { permissions: ['control.console', 'allocation.read'] });
    expect(granted.status).toBe(200);
    expect(await roundTrips(async () => expect(await ports()).toEqual([25565, 25566]), 1)).toBe(2);
    expect(await roundTrips(async () => expect(await ports()).toEqual([25565, 25566]))).toBe(1);
    // Revoked: the primary only, from the first read on.
    expect((await owner.post(`/api/client/servers/${server.uuid}/users/${user.uuid}`, { permissions: ['control.console'] })).status).toBe(200);
    expect(await ports()).toEqual([25565]);
    expect(await roundTrips(async () => expect(await ports()).toEqual([25565]))).toBe(1);
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

describe('allocations joined into the guard\'s statement', () => {
  // The guard reads the allocations by a left join, one row each (db/repositories/principal.ts): free text must come
  // back exactly, and a list cut short by the row cap must never be shown as if it were whole.
  it('returns notes and aliases with separators, quotes and non-BMP characters exactly', async () => {
    const { user, server, ip } = await world(['allocation.read']);
    const notes = 'a,b;c|d~e\\f "g" \'h\' \u{1F3AE} ünï';
    const alias = 'play;one,|~.example';
    await panel.app.db.update(allocations).set({ notes, ipAlias: alias }).where(and(eq(allocations.ip, ip), eq(allocations.port, 25566)));
    await panel.app.db.update(allocations).set({ notes: '' }).where(and(eq(allocations.ip, ip), eq(allocations.port, 25565)));
    const client = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));
    const data = (await client.get(`/api/client/servers/${server.uuid}`)).body.attributes.relationships.allocations.data as Array<{ attributes: Record<string, unknown> }>;
    expect(data.map((a) => [a.attributes.port, a.attributes.notes, a.attributes.ip_alias, a.attributes.is_default])).toEqual([
      [25565, '', null, true],
      [25566, notes, alias, false],
    ]);
  });

  async function serverWithPorts(count: number, note: string) {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const ip = uniqueIp();
    const ports = Array.from({ length: count }, (_, i) => 30000 + i);
    await makePool(panel.app.db, ip, 30000, count);
    await panel.app.db.update(allocations).set({ serverId: server.id, notes: note }).where(and(eq(allocations.ip, ip), inArray(allocations.port, ports)));
    await panel.app.db.update(allocations).set({ primaryServerId: server.id }).where(and(eq(allocations.ip, ip), eq(allocations.port, 30000)));
    const member = await makeUser(panel.app.db); // a member, not the owner: the owner's view reads more (startup)
    await makeSubuser(panel.app.db, server, member, ['allocation.read']);
    const client = new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, member));
    const res = await client.get(`/api/client/servers/${server.uuid}`);
    expect(res.status).toBe(200);
    const data = res.body.attributes.relationships.allocations.data as Array<{ attributes: { port: number; notes: string; is_default: boolean } }>;
    expect(data.map((a) => a.attributes.port)).toEqual(ports);
    expect(data.every((a) => a.attributes.notes === note)).toBe(true);
    expect(data[0]?.attributes.is_default).toBe(true);
    return { client, path: `/api/client/servers/${server.uuid}` };
  }

  it('returns the longest note whole in the one round trip', async () => {
    const { client, path } = await serverWithPorts(2, '\u{1F3AE}'.repeat(256)); // 1,024 bytes: the longest a note can be
    expect(await roundTrips(() => client.get(path))).toBe(1);
  });

  it('reads the list itself past the row cap: every allocation is shown, in a second round trip', async () => {
    const under = await serverWithPorts(ALLOCATION_ROWS - 1, 'n');
    expect(await roundTrips(() => under.client.get(under.path))).toBe(1);
    const { client, path } = await serverWithPorts(ALLOCATION_ROWS + 5, 'n');
    expect(await roundTrips(() => client.get(path))).toBe(2);
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
