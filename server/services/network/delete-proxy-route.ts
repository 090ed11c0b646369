import { deleteProxyRoute as removeRoute, findServerProxyRoute } from '@db/repositories/network-proxy';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { requireKey } from './require-key';

/** `DELETE /proxy/{id}`: the domain stops being served (within PROXY_ROUTE_CACHE_MS) and is free to claim again. */
export async function deleteProxyRoute(app: AppContext, actor: Actor, access: ServerAccess, id: number): Promise<void> {
  requireKey(access, 'proxy.delete');
  await app.db.transaction(async (tx) => {
    const route = await findServerProxyRoute(tx, access.server.id, id, true);
    if (!route) throw notFound();
    await removeRoute(tx, access.server.id, id);
    await logActivity(tx, app.clock, {
      event: 'server:proxy.delete', actor, serverId: access.server.id, properties: { domain: route.domain, path_prefix: route.pathPrefix },
    });
  });
}
