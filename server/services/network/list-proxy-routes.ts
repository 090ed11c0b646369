import { listServerProxyRoutes } from '@db/repositories/network-proxy';
import { proxyEnabled } from '../../config';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';
import { proxyRouteItem, proxyRouteStatus } from './proxy-route-item';
import { requireKey } from './require-key';

/** `GET /proxy`: the server's routes with their live status, and whether the panel runs the proxy at all. */
export async function listProxyRoutes(app: AppContext, access: ServerAccess) {
  requireKey(access, 'proxy.read');
  const rows = await listServerProxyRoutes(app.db, access.server.id);
  const status = await proxyRouteStatus(app, access.server);
  return {
    object: 'list' as const,
    data: rows.map((r) => proxyRouteItem(r, status)),
    meta: { proxy_enabled: proxyEnabled(app.config), limit: access.server.proxyLimit },
  };
}
