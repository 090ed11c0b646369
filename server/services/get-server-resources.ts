import type { AppContext } from '../context';
import type { ServerAccess } from '../http/types';

/** `GET /servers/{server}/resources` in Pterodactyl's `stats` shape. */
export async function getServerResources(app: AppContext, access: ServerAccess) {
  const stats = await app.daemon.stats({ uuid: access.server.uuid, startupCommand: access.server.startupCommand, nodeId: access.server.nodeId });
  return {
    object: 'stats' as const,
    attributes: {
      current_state: stats.state,
      is_suspended: access.server.suspended,
      resources: {
        memory_bytes: stats.memoryBytes, cpu_absolute: stats.cpuAbsolute, disk_bytes: stats.diskBytes,
        network_rx_bytes: 0, network_tx_bytes: 0, uptime: stats.uptimeMs,
      },
    },
  };
}
