import { POWER_PERMISSION, type PowerSignal } from '@contracts/socket';
import { serverRunSpec } from '@db/repositories/server-environment';
import type { AppContext } from '../context';
import { forbidden } from '../http/errors';
import type { Actor, ServerAccess } from '../http/types';
import { logActivity } from './activity';

/** `POST /servers/{server}/power`: start, stop, restart or kill (kill needs control.stop). */
export async function sendPowerSignal(app: AppContext, actor: Actor, access: ServerAccess, signal: PowerSignal): Promise<void> {
  const key = POWER_PERMISSION[signal];
  if (!access.permissions.has(key)) throw forbidden('This action is unauthorized.', { permission: key });
  const { server } = access;
  await app.daemon.power(await serverRunSpec(app.db, server), signal);
  await logActivity(app.db, app.clock, { event: `server:power.${signal}`, actor, serverId: server.id });
}
