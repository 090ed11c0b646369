import type { Executor } from '../client';
import type { AllocationRow } from '../schema/network';
import type { ServerRow } from '../schema/servers';
import { findPrimaryAllocation } from './network-allocations';
import { listNetworksOfServer } from './network-private';

/** The address another process on the node dials: a wildcard bind is reached on loopback. */
export function internalAddress(row: AllocationRow): string {
  return row.ip === '0.0.0.0' || row.ip === '::' ? '127.0.0.1' : row.ip;
}

/** `COHOST_NETWORK_<NAME>`: the network's name upper-cased, anything but A–Z, 0–9 and _ turned into _. */
export const networkEnvName = (name: string) => `COHOST_NETWORK_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;

/**
 * The network part of a server's environment (DESIGN §17): SERVER_IP/SERVER_PORT from the primary allocation, read
 * at every start, and per private network `COHOST_NETWORK_<NAME>=<identifier>=<address>:<port>,…` listing the other
 * members that have a primary allocation.
 */
export async function networkEnvironment(db: Executor, server: ServerRow): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const primary = await findPrimaryAllocation(db, server.id);
  if (primary) {
    env.SERVER_IP = primary.ip;
    env.SERVER_PORT = String(primary.port);
  }
  for (const { network, members } of await listNetworksOfServer(db, server.id)) {
    env[networkEnvName(network.name)] = members
      .filter((m) => m.server.id !== server.id && m.primary)
      .map((m) => `${m.server.identifier}=${internalAddress(m.primary as AllocationRow)}:${(m.primary as AllocationRow).port}`)
      .join(',');
  }
  return env;
}
