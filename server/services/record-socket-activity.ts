import type { ActivityEntry } from '@bridge/gateway/gateway';
import { findServerByRef } from '@db/repositories/servers';
import { findUserByUuid } from '@db/repositories/users';
import type { AppContext } from '../context';
import { logActivity } from './activity';

/** The bridge's activity sink: `server:console.command` and `server:power.<action>` sent over the socket. */
export async function recordSocketActivity(app: AppContext, entry: ActivityEntry): Promise<void> {
  const [user, server] = await Promise.all([findUserByUuid(app.db, entry.userUuid), findServerByRef(app.db, entry.serverUuid)]);
  if (!user || !server) return;
  await logActivity(app.db, app.clock, {
    event: entry.event, serverId: server.id, properties: entry.properties,
    actor: { user, apiKey: null, ip: entry.ip, userAgent: entry.userAgent },
  });
}
