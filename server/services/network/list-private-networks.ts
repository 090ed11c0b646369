import { internalAddress } from '@db/repositories/network-environment';
import { listNetworksOfServer } from '@db/repositories/network-private';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';
import { networkEnvName } from '@db/repositories/network-environment';
import { requireKey } from './require-key';

/**
 * `GET /network/private`: the networks this server is in, each with the other members' internal address:port (their
 * primary allocation; null until they have one) and the environment variable its process reads them from.
 */
export async function listPrivateNetworks(app: AppContext, access: ServerAccess) {
  requireKey(access, 'network.read');
  const networks = await listNetworksOfServer(app.db, access.server.id);
  return {
    object: 'list' as const,
    data: networks.map(({ network, members }) => ({
      object: 'private_network' as const,
      attributes: {
        id: network.id,
        name: network.name,
        env: networkEnvName(network.name),
        members: members.filter((m) => m.server.id !== access.server.id).map((m) => ({
          identifier: m.server.identifier,
          name: m.server.name,
          address: m.primary ? internalAddress(m.primary) : null,
          port: m.primary?.port ?? null,
        })),
        created_at: network.createdAt.toISOString(),
      },
    })),
  };
}
