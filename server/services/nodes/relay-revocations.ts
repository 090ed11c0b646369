import { EVERYONE, type Revocation } from '@bridge/bus';
import type { RoutingDaemon } from '@bridge/routing-daemon';
import { findServerByRef, listServersForUser } from '@db/repositories/servers';
import { findUserByUuid } from '@db/repositories/users';
import type { AppContext } from '../../context';

/**
 * Revocation reaches Wings nodes too (DESIGN §7.6, §19): for each revocation on the bus, the user's servers on
 * Wings nodes (the one named, or all of theirs) are deauthorized on their node — `deauthorize-user` on 1.12,
 * `ws/deny` before. The panel's own sockets judge every event anyway; this closes what the node holds itself.
 * A node that cannot be reached is logged, never retried in a loop.
 */
export function relayRevocationsToNodes(app: AppContext, daemon: RoutingDaemon): () => void {
  return app.bus.subscribe(async (r) => {
    try { await relay(app, daemon, r); } catch (err) {
      app.logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, user: r.userUuid }, 'revocation not passed on to a Wings node');
    }
  });
}

async function relay(app: AppContext, daemon: RoutingDaemon, r: Revocation): Promise<void> {
  if (r.userUuid === EVERYONE) return;
  let onNodes: { uuid: string; nodeId: number }[];
  if (r.serverUuid) {
    const server = await findServerByRef(app.db, r.serverUuid);
    onNodes = server?.nodeId ? [{ uuid: server.uuid, nodeId: server.nodeId }] : [];
  } else {
    const user = await findUserByUuid(app.db, r.userUuid);
    onNodes = user ? (await listServersForUser(app.db, user.id)).flatMap(({ server }) => (server.nodeId ? [{ uuid: server.uuid, nodeId: server.nodeId }] : [])) : [];
  }
  const byNode = new Map<number, string[]>();
  for (const s of onNodes) byNode.set(s.nodeId, [...(byNode.get(s.nodeId) ?? []), s.uuid]);
  await Promise.all([...byNode].map(async ([nodeId, uuids]) => (await daemon.wingsFor(nodeId)).deauthorize(r.userUuid, uuids)));
}
