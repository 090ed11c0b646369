import { findServerAllocation } from '@db/repositories/network-allocations';
import { countServerProxyRoutes, insertProxyRoute, type ProxyRouteWithTarget } from '@db/repositories/network-proxy';
import { lockServer } from '@db/repositories/servers';
import { isDuplicateEntry } from '@db/repositories/subusers';
import { proxyEnabled } from '../../config';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { allocationLabel } from './allocation-item';
import { domainTaken, notOwnAllocation, panelDomain, proxyDisabled, proxyLimitReached } from './proxy-errors';
import type { CreateProxyBody } from './proxy-input';
import { requireKey } from './require-key';

/** The panel's own host name (APP_URL), which no route may take over. */
export function isPanelDomain(app: AppContext, domain: string): boolean {
  return app.config.APP_URL !== undefined && new URL(app.config.APP_URL).hostname.toLowerCase() === domain;
}

/**
 * `POST /proxy`: a host name forwarded to one of the server's own allocations, within `proxy_limit` (NULL unlimited,
 * 0 disabled; the server row is locked for the count). Domains are unique panel-wide (the unique index decides
 * between concurrent claims).
 */
export async function createProxyRoute(app: AppContext, actor: Actor, access: ServerAccess, input: CreateProxyBody): Promise<ProxyRouteWithTarget> {
  requireKey(access, 'proxy.create');
  if (!proxyEnabled(app.config)) throw proxyDisabled();
  if (isPanelDomain(app, input.domain)) throw panelDomain();
  try {
    return await app.db.transaction(async (tx) => {
      const server = await lockServer(tx, access.server.id);
      if (!server) throw proxyLimitReached();
      if (server.proxyLimit !== null && (await countServerProxyRoutes(tx, server.id)) >= server.proxyLimit) throw proxyLimitReached();
      const allocation = await findServerAllocation(tx, server.id, input.allocation_id);
      if (!allocation) throw notOwnAllocation();
      const now = app.clock.now();
      const route = await insertProxyRoute(tx, {
        serverId: server.id, allocationId: allocation.id, domain: input.domain, pathPrefix: input.path_prefix ?? '/',
        websocket: input.websocket ?? false, createdAt: now, updatedAt: now,
      });
      await logActivity(tx, app.clock, {
        event: 'server:proxy.create', actor, serverId: server.id,
        properties: { domain: route.domain, path_prefix: route.pathPrefix, allocation: allocationLabel(allocation), websocket: route.websocket },
      });
      return { route, allocation };
    });
  } catch (err) {
    if (isDuplicateEntry(err)) throw domainTaken();
    throw err;
  }
}
