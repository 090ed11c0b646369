import { countServerAllocations, findPrimaryAllocation, lockFreeAllocation, assignAllocation as assignRow, findServerAllocation } from '@db/repositories/network-allocations';
import { lockServer } from '@db/repositories/servers';
import type { Executor } from '@db/client';
import type { AllocationRow } from '@db/schema/network';
import type { ServerRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { allocationLabel } from './allocation-item';
import { allocationLimitReached, noFreeAllocation } from './errors';
import { requireKey } from './require-key';

/**
 * Hands the server a free row of its node's pool, inside the caller's transaction (the server row must already be
 * locked by it). Prefers the primary's IP, as Pterodactyl's FindAssignableAllocationService; a server without a
 * primary takes any free IP and the row becomes its primary. Returns null when the node has no free port.
 */
export async function claimFreeAllocation(tx: Executor, server: ServerRow, now: Date): Promise<AllocationRow | null> {
  const primary = await findPrimaryAllocation(tx, server.id);
  for (let attempt = 0; attempt < 5; attempt++) {
    const free = await lockFreeAllocation(tx, server.nodeId, primary?.ip ?? null);
    if (!free) return null;
    if (await assignRow(tx, free.id, server.id, primary === null, now)) return findServerAllocation(tx, server.id, free.id);
  }
  return null;
}

/**
 * `POST /network/allocations`: assigns one more port within `allocation_limit` (NULL unlimited, 0 disabled). The
 * server row is locked for the count, so parallel requests at limit − 1 leave exactly the limit; free rows are
 * claimed with SKIP LOCKED, so parallel requests (of this server or another) never get the same port.
 */
export async function assignAllocation(app: AppContext, actor: Actor, access: ServerAccess): Promise<AllocationRow> {
  requireKey(access, 'allocation.create');
  await app.throttles.hit('allocation.create', access.server.id);
  return app.db.transaction(async (tx) => {
    const server = await lockServer(tx, access.server.id);
    if (!server) throw allocationLimitReached();
    const limit = server.allocationLimit;
    if (limit !== null && (await countServerAllocations(tx, server.id)) >= limit) throw allocationLimitReached();
    const now = app.clock.now();
    const row = await claimFreeAllocation(tx, server, now);
    if (!row) throw noFreeAllocation((await findPrimaryAllocation(tx, server.id))?.ip ?? null);
    await logActivity(tx, app.clock, {
      event: 'server:allocation.create', actor, serverId: server.id, properties: { allocation: allocationLabel(row) },
    });
    return row;
  });
}
