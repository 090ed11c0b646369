import { route } from '../http/manifest';
import { createProxyRoute } from '../services/network/create-proxy-route';
import { deleteProxyRoute } from '../services/network/delete-proxy-route';
import { listPrivateNetworks } from '../services/network/list-private-networks';
import { listProxyRoutes } from '../services/network/list-proxy-routes';
import { createProxyBody, updateProxyBody } from '../services/network/proxy-input';
import { proxyRouteItem, proxyRouteStatus } from '../services/network/proxy-route-item';
import { updateProxyRoute } from '../services/network/update-proxy-route';
import { pathId } from './network';

const base = '/api/client/servers/:server';

/** Proxy routes and private networks (DESIGN §17): Cohost's own, beside Pterodactyl's allocation API. */
export const networkProxyRoutes = [
  route({
    method: 'GET', path: `${base}/proxy`, need: 'proxy.read',
    handler: async ({ app, access }) => listProxyRoutes(app, access),
  }),
  route({
    method: 'POST', path: `${base}/proxy`, need: 'proxy.create', body: createProxyBody,
    handler: async ({ app, actor, access, body }) =>
      proxyRouteItem(await createProxyRoute(app, actor, access, body), await proxyRouteStatus(app, access.server)),
  }),
  route({
    method: 'POST', path: `${base}/proxy/:proxy`, need: 'proxy.update', body: updateProxyBody,
    handler: async ({ app, actor, access, params, body }) =>
      proxyRouteItem(await updateProxyRoute(app, actor, access, pathId(params.proxy), body), await proxyRouteStatus(app, access.server)),
  }),
  route({
    method: 'DELETE', path: `${base}/proxy/:proxy`, need: 'proxy.delete',
    handler: async ({ app, actor, access, params }) => { await deleteProxyRoute(app, actor, access, pathId(params.proxy)); },
  }),
  route({
    method: 'GET', path: `${base}/network/private`, need: 'network.read',
    handler: async ({ app, access }) => listPrivateNetworks(app, access),
  }),
];
