import type { Request } from 'express';
import { insertActivity } from '@db/repositories/activity';
import { findServerByRef } from '@db/repositories/servers';
import { findUserByUuid } from '@db/repositories/users';
import type { AppContext } from '../../context';
import { authenticateNode } from './authenticate-node';

export interface RemoteActivity {
  readonly user?: string | null | undefined;
  readonly server: string;
  readonly event: string;
  readonly metadata?: Record<string, unknown> | null | undefined;
  readonly ip?: string | null | undefined;
  readonly timestamp: string;
}

/**
 * `POST /api/remote/activity {data:[…]}`: a batch of what happened on the node (SFTP, console). Only `server:`
 * events of servers on the calling node are kept; anything else is dropped, as Pterodactyl does. One transaction.
 */
export async function recordRemoteActivity(app: AppContext, req: Request, data: readonly RemoteActivity[]) {
  const node = await authenticateNode(app, req);
  const rows: Parameters<typeof insertActivity>[1][] = [];
  for (const item of data) {
    if (!item.event.startsWith('server:')) continue;
    const server = await findServerByRef(app.db, item.server.toLowerCase());
    if (!server || server.nodeId !== node.id) continue;
    const user = item.user ? await findUserByUuid(app.db, item.user) : null;
    const at = new Date(item.timestamp);
    rows.push({
      event: item.event.slice(0, 191), actorId: user?.id ?? null, serverId: server.id, ip: item.ip?.slice(0, 45) ?? null,
      userAgent: null, properties: { ...(item.metadata ?? {}), node: node.uuid }, timestamp: Number.isNaN(at.getTime()) ? app.clock.now() : at,
    });
  }
  await app.db.transaction(async (tx) => { for (const row of rows) await insertActivity(tx, row); });
  return { recorded: rows.length };
}
