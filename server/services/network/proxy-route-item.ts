import type { ProxyRouteWithTarget } from '@db/repositories/network-proxy';
import type { ServerRow } from '@db/schema/servers';
import { proxyEnabled } from '../../config';
import type { AppContext } from '../../context';

/** What the proxy does with the route right now (the Network tab shows it; the proxy decides the same way). */
export type ProxyRouteStatus = 'active' | 'server_stopped' | 'server_suspended' | 'proxy_disabled';

export async function proxyRouteStatus(app: AppContext, server: ServerRow): Promise<ProxyRouteStatus> {
  if (!proxyEnabled(app.config)) return 'proxy_disabled';
  if (server.suspended) return 'server_suspended';
  const state = await app.daemon.status({ uuid: server.uuid, startupCommand: server.startupCommand, nodeId: server.nodeId });
  return state === 'offline' || state === 'stopping' ? 'server_stopped' : 'active';
}

/** The `proxy_route` item: the route, its target allocation and its live status. */
export function proxyRouteItem({ route, allocation }: ProxyRouteWithTarget, status: ProxyRouteStatus) {
  return {
    object: 'proxy_route' as const,
    attributes: {
      id: route.id,
      domain: route.domain,
      path_prefix: route.pathPrefix,
      allocation_id: route.allocationId,
      target: { ip: allocation.ip, ip_alias: allocation.ipAlias, port: allocation.port },
      websocket: route.websocket,
      status,
      created_at: route.createdAt.toISOString(),
      updated_at: route.updatedAt.toISOString(),
    },
  };
}
