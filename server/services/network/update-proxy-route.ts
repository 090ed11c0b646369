import { findServerAllocation } from '@db/repositories/network-allocations';
import { findServerProxyRoute, updateProxyRoute as writeRoute, type ProxyRouteWithTarget } from '@db/repositories/network-proxy';
import { isDuplicateEntry } from '@db/repositories/subusers';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { allocationLabel } from './allocation-item';
import { isPanelDomain } from './create-proxy-route';
import { domainTaken, notOwnAllocation, panelDomain } from './proxy-errors';
import type { UpdateProxyBody } from './proxy-input';
import { requireKey } from './require-key';

/** `POST /proxy/{id}`: changes any of domain, path prefix, target allocation (still the server's own) and websocket. */
export async function updateProxyRoute(
  app: AppContext, actor: Actor, access: ServerAccess, id: number, input: UpdateProxyBody,
): Promise<ProxyRouteWithTarget> {
  requireKey(access, 'proxy.update');
  if (input.domain !== undefined && isPanelDomain(app, input.domain)) throw panelDomain();
  try {
    return await app.db.transaction(async (tx) => {
      const route = await findServerProxyRoute(tx, access.server.id, id, true);
      if (!route) throw notFound();
      const allocation = await findServerAllocation(tx, access.server.id, input.allocation_id ?? route.allocationId);
      if (!allocation) throw notOwnAllocation();
      const next = {
        domain: input.domain ?? route.domain, pathPrefix: input.path_prefix ?? route.pathPrefix,
        allocationId: allocation.id, websocket: input.websocket ?? route.websocket,
      };
      const changed = (Object.keys(next) as Array<keyof typeof next>).filter((k) => next[k] !== route[k]);
      if (!changed.length) return { route, allocation };
      const now = app.clock.now();
      await writeRoute(tx, access.server.id, id, next, now);
      await logActivity(tx, app.clock, {
        event: 'server:proxy.update', actor, serverId: access.server.id,
        properties: {
          domain: next.domain, changed,
          old: { domain: route.domain, path_prefix: route.pathPrefix, allocation_id: route.allocationId, websocket: route.websocket },
          new: { domain: next.domain, path_prefix: next.pathPrefix, allocation: allocationLabel(allocation), websocket: next.websocket },
        },
      });
      return { route: { ...route, ...next, updatedAt: now }, allocation };
    });
  } catch (err) {
    if (isDuplicateEntry(err)) throw domainTaken();
    throw err;
  }
}
