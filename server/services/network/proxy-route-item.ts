import type { ServerState } from '@bridge/daemon';
import type { ProxyRouteWithTarget } from '@db/repositories/network-proxy';
import type { ServerRow } from '@db/schema/servers';
import { proxyEnabled } from '../../config';
import type { AppContext } from '../../context';

/** What the proxy does with the route right now (the Network tab shows it; the proxy decides the same way). */
export type ProxyRouteStatus = 'active' | 'server_stopped' | 'server_suspended' | 'proxy_disabled';

/** `f(value)` now when `value` is already there, after it when it is a promise (no microtask on the proxy's hot path). */
export function andThen<T, R>(value: T | Promise<T>, f: (v: T) => R | Promise<R>): R | Promise<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** Synchronous when the daemon knows the state without asking (the proxy decides per request); await it elsewhere. */
export function proxyRouteStatus(app: AppContext, server: ServerRow): ProxyRouteStatus | Promise<ProxyRouteStatus> {
  if (!proxyEnabled(app.config)) return 'proxy_disabled';
  if (server.suspended) return 'server_suspended';
  const state = app.daemon.status({ uuid: server.uuid, startupCommand: server.startupCommand, nodeId: server.nodeId });
  return andThen(state, (s: ServerState): ProxyRouteStatus => (s === 'offline' || s === 'stopping' ? 'server_stopped' : 'active'));
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
