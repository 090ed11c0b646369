import { DaemonStateError } from '@bridge/daemon';
import type { AppContext } from '../context';
import { conflict, forbidden } from '../http/errors';
import type { Actor, ServerAccess } from '../http/types';
import { logActivity } from './activity';

/** `POST /servers/{server}/command`: one console line; 409 while the server is offline. */
export async function sendConsoleCommand(app: AppContext, actor: Actor, access: ServerAccess, command: string): Promise<void> {
  if (!access.permissions.has('control.console')) throw forbidden('This action is unauthorized.', { permission: 'control.console' });
  const daemonServer = { uuid: access.server.uuid, startupCommand: access.server.startupCommand, nodeId: access.server.nodeId };
  if ((await app.daemon.status(daemonServer)) === 'offline') throw conflict('The server is offline; start it before sending commands.');
  try {
    await app.daemon.command(daemonServer, command);
  } catch (err) {
    if (err instanceof DaemonStateError) throw conflict(err.message);
    throw err;
  }
  await logActivity(app.db, app.clock, { event: 'server:console.command', actor, serverId: access.server.id, properties: { command } });
}
