import type { Request } from 'express';
import { BRIDGE_NAMESPACE } from '@contracts/socket';
import { bridgeTokenKey, mintSocketToken } from '@bridge/token';
import type { AppContext } from '../context';
import { forbidden } from '../http/errors';
import type { Actor, ServerAccess } from '../http/types';

/**
 * `GET /servers/{server}/websocket`: a 10-minute token for the bridge and the socket URL, the string a client passes
 * unchanged to socket.io-client's `io()` (its path is the bridge's namespace).
 */
export async function issueWebsocketToken(app: AppContext, actor: Actor, access: ServerAccess, req: Request) {
  if (!access.permissions.has('websocket.connect')) throw forbidden('This action is unauthorized.', { permission: 'websocket.connect' });
  const { token } = await mintSocketToken(bridgeTokenKey(app.secrets.appKey), {
    serverUuid: access.server.uuid, userUuid: actor.user.uuid, permissions: access.grants, epoch: actor.user.sessionEpoch,
    now: app.clock.now(),
  });
  return { data: { token, socket: socketUrl(app, req) } };
}

function socketUrl(app: AppContext, req: Request): string {
  if (app.config.BRIDGE_URL) return app.config.BRIDGE_URL;
  const base = app.config.APP_URL ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  return new URL(BRIDGE_NAMESPACE, base.endsWith('/') ? base : `${base}/`).toString();
}
