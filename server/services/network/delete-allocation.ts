import { findServerAllocation, releaseAllocation } from '@db/repositories/network-allocations';
import { proxyDomainsForAllocation } from '@db/repositories/network-proxy';
import { lockServer } from '@db/repositories/servers';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { allocationLabel } from './allocation-item';
import { allocationInUseByProxy, allocationNotFound, cannotDeletePrimary } from './errors';
import { requireKey } from './require-key';

/**
 * `DELETE /network/allocations/{id}`: returns the port to the node's pool, notes cleared. Never the primary (400),
 * never a port a proxy route still forwards to (400, naming the routes).
 */
export async function deleteAllocation(app: AppContext, actor: Actor, access: ServerAccess, id: number): Promise<void> {
  requireKey(access, 'allocation.delete');
  await app.db.transaction(async (tx) => {
    await lockServer(tx, access.server.id);
    const row = await findServerAllocation(tx, access.server.id, id, true);
    if (!row) throw allocationNotFound();
    if (row.primaryServerId === access.server.id) throw cannotDeletePrimary();
    const domains = await proxyDomainsForAllocation(tx, access.server.id, id);
    if (domains.length) throw allocationInUseByProxy(domains);
    await releaseAllocation(tx, access.server.id, id, app.clock.now());
    await logActivity(tx, app.clock, {
      event: 'server:allocation.delete', actor, serverId: access.server.id, properties: { allocation: allocationLabel(row) },
    });
  });
}
