import { createServer as createNetServer } from 'node:net';
import { randomInt } from 'node:crypto';
import type { Executor } from '@db/client';
import { addAllocations } from '@db/repositories/network-allocations';
import { allocations, type AllocationRow } from '@db/schema/network';
import type { ServerRow } from '@db/schema/servers';
import { and, eq } from 'drizzle-orm';
import { serverRunSpec } from '@db/repositories/server-environment';
import type { AppContext } from '@server/context';

/** A fresh private-range IP, so a test's pool never mixes with another test's in the same database. */
export function uniqueIp(): string {
  return `10.${randomInt(1, 255)}.${randomInt(0, 255)}.${randomInt(1, 255)}`;
}

/** Adds free rows `ip:from..from+count-1` on this host's pool. */
export async function makePool(db: Executor, ip: string, from: number, count: number): Promise<void> {
  await addAllocations(db, null, ip, Array.from({ length: count }, (_, i) => from + i), null, new Date());
}

/** Gives the server `ip:port` (a new row) as a primary or extra allocation, straight in the database. */
export async function giveAllocation(db: Executor, server: ServerRow, ip: string, port: number, primary = false): Promise<AllocationRow> {
  await makePool(db, ip, port, 1);
  await db.update(allocations).set({ serverId: server.id, primaryServerId: primary ? server.id : null })
    .where(and(eq(allocations.ip, ip), eq(allocations.port, port), eq(allocations.nodeKey, 0)));
  const [row] = await db.select().from(allocations).where(and(eq(allocations.ip, ip), eq(allocations.port, port))).limit(1);
  if (!row) throw new Error('allocation not written');
  return row;
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts the server with its run spec (SERVER_IP/SERVER_PORT…) as the power route does, and resolves once it is
 * `running`. The start comes before any subscription, so the daemon builds the process from the spec.
 */
export async function startWithSpec(app: AppContext, server: ServerRow, timeoutMs = 20_000): Promise<void> {
  const spec = await serverRunSpec(app.db, server);
  await app.daemon.power(spec, 'start');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`server ${server.uuid} never reached running`)); }, timeoutMs);
    const stop = app.daemon.subscribe(spec, (event) => {
      if (event.type === 'status' && event.state === 'running') { clearTimeout(timer); stop(); resolve(); }
    });
    if (app.daemon.status(spec) === 'running') { clearTimeout(timer); stop(); resolve(); }
  });
}
