import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverRunSpec } from '@db/repositories/server-environment';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { createServer } from '@server/services/create-server';
import { HttpClient } from '../factories/http';
import { freePort, giveAllocation, makePool, uniqueIp } from '../factories/network';
import { killToOffline } from '../matrix/processes';
import { startTestPanel, type TestPanel } from '../factories/panel';
import { makeApiKey, makeServer, makeSubuser, makeUser } from '../factories/records';

let panel: TestPanel;
beforeAll(async () => {
  // Generous throttle: the concurrency cases send 20 requests at once (the throttle itself has its own case below).
  panel = await startTestPanel({ env: { SERVER_THROTTLES: 'allocation.create=1000/60' } });
});
afterAll(async () => { await panel?.close(); });

const client = async (user: UserRow) => new HttpClient(panel.url).withApiKey(await makeApiKey(panel.app.db, user));

async function world(options: { limit?: number | null; free?: number } = {}) {
  const ip = uniqueIp();
  const owner = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner, { allocationLimit: options.limit === undefined ? null : options.limit });
  const primary = await giveAllocation(panel.app.db, server, ip, 30000, true);
  if (options.free) await makePool(panel.app.db, ip, 30001, options.free);
  return { ip, owner, server, primary, o: await client(owner), base: `/api/client/servers/${server.identifier}/network/allocations` };
}

async function events(server: ServerRow): Promise<Array<{ event: string; properties: Record<string, unknown> }>> {
  const [rows] = await panel.app.pool.query('SELECT event, properties FROM activity_logs WHERE server_id = ? ORDER BY id', [server.id]);
  return (rows as Array<{ event: string; properties: string | Record<string, unknown> }>)
    .map((r) => ({ event: r.event, properties: typeof r.properties === 'string' ? JSON.parse(r.properties) as Record<string, unknown> : r.properties }));
}

describe('allocations', () => {
  it('gives a new server a primary allocation from the free ports, which becomes SERVER_IP/SERVER_PORT', async () => {
    const ip = uniqueIp();
    await makePool(panel.app.db, ip, 31000, 2);
    const owner = await makeUser(panel.app.db);
    // The pool is shared by every test of this file: only this ip's rows are free, other tests' rows are all assigned.
    const server = await createServer(panel.app.db, { owner: owner.email, name: 'with port', command: 'node sample-game-server.mjs' }, new Date());
    const res = await (await client(owner)).get(`/api/client/servers/${server.identifier}`);
    expect(res.body.attributes.relationships.allocations).toEqual({
      object: 'list', data: [{ object: 'allocation', attributes: { id: expect.any(Number), ip, ip_alias: null, port: 31000, notes: null, is_default: true } }],
    });
    const spec = await serverRunSpec(panel.app.db, server);
    expect(spec.environment).toMatchObject({ SERVER_IP: ip, SERVER_PORT: '31000' });
  });

  it('assigns, annotates, switches the primary and deletes, each with its activity event', async () => {
    const { ip, server, primary, o, base } = await world({ free: 3 });
    const created = await o.post(base);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ object: 'allocation', attributes: { id: expect.any(Number), ip, ip_alias: null, port: 30001, notes: null, is_default: false } });
    const id = created.body.attributes.id as number;

    const noted = await o.post(`${base}/${id}`, { notes: 'voice chat' });
    expect(noted.body.attributes.notes).toBe('voice chat');
    expect((await o.post(`${base}/${id}`, { notes: 'x'.repeat(257) })).status).toBe(422);

    const made = await o.post(`${base}/${id}/primary`);
    expect(made.body.attributes.is_default).toBe(true);
    const list = await o.get(base);
    expect(list.body.data.map((d: { attributes: { port: number; is_default: boolean } }) => [d.attributes.port, d.attributes.is_default]))
      .toEqual([[30001, true], [30000, false]]);
    expect((await serverRunSpec(panel.app.db, server)).environment.SERVER_PORT).toBe('30001');

    const refused = await o.delete(`${base}/${id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].detail).toMatch(/primary allocation/);
    expect((await o.delete(`${base}/${primary.id}`)).status).toBe(204);
    expect((await o.get(base)).body.data).toHaveLength(1);
    // Released to the pool with its notes cleared: the next assign may hand it out again.
    const [rows] = await panel.app.pool.query('SELECT server_id, notes FROM allocations WHERE id = ?', [primary.id]);
    expect(rows).toEqual([{ server_id: null, notes: null }]);

    expect(await events(server)).toEqual([
      { event: 'server:allocation.create', properties: { allocation: `${ip}:30001` } },
      { event: 'server:allocation.notes', properties: { allocation: `${ip}:30001`, old: null, new: 'voice chat' } },
      { event: 'server:allocation.primary', properties: { allocation: `${ip}:30001` } },
      { event: 'server:allocation.delete', properties: { allocation: `${ip}:30000` } },
    ]);
  });

  it("reads another server's allocation id as absent (404) on every route", async () => {
    const a = await world();
    const b = await world({ free: 1 });
    for (const res of [
      await a.o.post(`${a.base}/${b.primary.id}`, { notes: 'mine now' }),
      await a.o.post(`${a.base}/${b.primary.id}/primary`),
      await a.o.delete(`${a.base}/${b.primary.id}`),
      await a.o.post(`${a.base}/not-a-number`, { notes: 'x' }),
    ]) expect(res.status).toBe(404);
    const [rows] = await panel.app.pool.query('SELECT server_id, notes, primary_server_id FROM allocations WHERE id = ?', [b.primary.id]);
    expect(rows).toEqual([{ server_id: b.server.id, notes: null, primary_server_id: b.server.id }]);
  });

  it('shows every member the primary allocation, notes hidden, and the rest only with allocation.read', async () => {
    const { server, primary, o, base } = await world({ free: 1 });
    await o.post(`${base}/${primary.id}`, { notes: 'secret note' });
    await o.post(base);
    const viewer = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, viewer, ['control.console']);
    const reader = await makeUser(panel.app.db);
    await makeSubuser(panel.app.db, server, reader, ['allocation.read']);
    const seen = async (u: UserRow) => (await (await client(u)).get(`/api/client/servers/${server.uuid}`)).body.attributes.relationships.allocations.data;
    expect(await seen(viewer)).toEqual([expect.objectContaining({ attributes: expect.objectContaining({ id: primary.id, notes: null, is_default: true }) })]);
    const full = await seen(reader);
    expect(full).toHaveLength(2);
    expect(full[0].attributes).toMatchObject({ id: primary.id, notes: 'secret note' });
    expect((await (await client(viewer)).get(base)).status).toBe(403);
  });

  it('refuses beyond allocation_limit (0 = disabled) and when the node has no free port, writing nothing', async () => {
    const disabled = await world({ limit: 0, free: 2 });
    const res = await disabled.o.post(disabled.base);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].detail).toMatch(/limit has been reached/);
    const full = await world({ free: 0 });
    const none = await full.o.post(full.base);
    expect(none.status).toBe(400);
    expect(none.body.errors[0].detail).toMatch(new RegExp(`no free port on ${full.ip.replace(/\./g, '\\.')}`));
    expect(await events(disabled.server)).toEqual([]);
    expect(await events(full.server)).toEqual([]);
  });

  it('never overshoots the limit under 20 parallel requests at limit − 1 (the server row is locked)', async () => {
    const { o, base, server } = await world({ limit: 3, free: 30 });
    await o.post(base);
    const results = await Promise.all(Array.from({ length: 20 }, () => o.post(base)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(19);
    const [rows] = await panel.app.pool.query('SELECT COUNT(*) AS n FROM allocations WHERE server_id = ?', [server.id]);
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('never hands one port to two servers, however many assign at once', async () => {
    const ip = uniqueIp();
    const servers = await Promise.all(Array.from({ length: 4 }, async () => {
      const owner = await makeUser(panel.app.db);
      const server = await makeServer(panel.app.db, owner);
      await giveAllocation(panel.app.db, server, ip, 40000 + server.id % 1000, true);
      return { server, o: await client(owner) };
    }));
    await makePool(panel.app.db, ip, 41000, 25);
    const results = await Promise.all(servers.flatMap(({ server, o }) =>
      Array.from({ length: 8 }, () => o.post(`/api/client/servers/${server.identifier}/network/allocations`))));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(25);
    expect(results.filter((r) => r.status === 400)).toHaveLength(7);
    const ports = ok.map((r) => r.body.attributes.port as number);
    expect(new Set(ports).size).toBe(25);
    const [rows] = await panel.app.pool.query(
      'SELECT port, COUNT(DISTINCT server_id) AS owners FROM allocations WHERE ip = ? GROUP BY port HAVING owners <> 1', [ip]);
    expect(rows).toEqual([]);
  });

  it('creates a server without a port when the node has none free; its first assigned port becomes the primary', async () => {
    const owner = await makeUser(panel.app.db);
    // Whatever other cases left free goes to a sink server, so creation finds nothing on this host.
    const sink = await makeServer(panel.app.db, owner);
    await panel.app.pool.query('UPDATE allocations SET server_id = ? WHERE server_id IS NULL', [sink.id]);
    const server = await createServer(panel.app.db, { owner: owner.email, name: 'no port', command: 'node sample-game-server.mjs' }, new Date());
    const o = await client(owner);
    expect((await o.get(`/api/client/servers/${server.identifier}`)).body.attributes.relationships.allocations.data).toEqual([]);
    expect((await serverRunSpec(panel.app.db, server)).environment).not.toHaveProperty('SERVER_PORT');
    const ip = uniqueIp();
    await makePool(panel.app.db, ip, 32000, 1);
    const first = await o.post(`/api/client/servers/${server.identifier}/network/allocations`);
    expect(first.body.attributes).toMatchObject({ ip, port: 32000, is_default: true });
  });
});

describe('the allocation.create throttle', () => {
  it('answers 429 with Retry-After past 2 per minute (Pterodactyl 1.12)', async () => {
    const throttled = await startTestPanel();
    try {
      const ip = uniqueIp();
      const owner = await makeUser(throttled.app.db);
      const server = await makeServer(throttled.app.db, owner);
      await giveAllocation(throttled.app.db, server, ip, 30000, true);
      await makePool(throttled.app.db, ip, 30001, 5);
      const o = new HttpClient(throttled.url).withApiKey(await makeApiKey(throttled.app.db, owner));
      const path = `/api/client/servers/${server.identifier}/network/allocations`;
      expect((await o.post(path)).status).toBe(200);
      expect((await o.post(path)).status).toBe(200);
      const third = await o.post(path);
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await throttled.close();
    }
  });
});

describe('switching the primary of a running server', () => {
  /** The sample game server's status document on `port`, or null while nothing answers there. */
  async function statusOn(port: number): Promise<{ port: number } | null> {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      return await res.json() as { port: number };
    } catch {
      return null;
    }
  }
  async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
    for (;;) {
      const value = await probe();
      if (accept(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('keeps the running process on its port; the next start listens on the new primary', async () => {
    const owner = await makeUser(panel.app.db);
    const server = await makeServer(panel.app.db, owner);
    const [first, second] = [await freePort(), await freePort()];
    await giveAllocation(panel.app.db, server, '127.0.0.1', first, true);
    const next = await giveAllocation(panel.app.db, server, '127.0.0.1', second);
    const o = await client(owner);
    const base = `/api/client/servers/${server.identifier}`;
    try {
      expect((await o.post(`${base}/power`, { signal: 'start' })).status).toBe(204);
      expect(await until(() => statusOn(first), (s) => s !== null)).toMatchObject({ port: first });

      expect((await o.post(`${base}/network/allocations/${next.id}/primary`)).status).toBe(200);
      // The process was started with the old primary: it stays there until it is restarted.
      expect(await statusOn(first)).toMatchObject({ port: first });
      expect(await statusOn(second)).toBeNull();

      expect((await o.post(`${base}/power`, { signal: 'restart' })).status).toBe(204);
      expect(await until(() => statusOn(second), (s) => s !== null)).toMatchObject({ port: second });
      expect(await statusOn(first)).toBeNull();
    } finally {
      await killToOffline(panel.app, server);
    }
  }, 60_000);
});
