import { addNetworkMember, findPrivateNetwork, removeNetworkMember } from '@db/repositories/network-private';
import { findServerByRef } from '@db/repositories/servers';
import { isDuplicateEntry } from '@db/repositories/subusers';
import type { Executor } from '@db/client';
import { validationError } from '../../http/errors';

/**
 * Admins add a server to a private network of its own node, or take it out (CLI `network:add` / `network:remove`).
 * The members' processes see the change at their next start (COHOST_NETWORK_<NAME>).
 */
export async function setNetworkMembership(
  db: Executor, input: { network: string; server: string; nodeId: number | null; member: boolean }, now: Date,
): Promise<{ network: string; server: string; member: boolean }> {
  const server = await findServerByRef(db, input.server);
  if (!server) throw validationError('server', `No server has the id ${input.server}.`, 'exists');
  const network = await findPrivateNetwork(db, input.nodeId, input.network.toLowerCase());
  if (!network) throw validationError('network', `No network named ${input.network} exists on this node.`, 'exists');
  if ((server.nodeId ?? null) !== (network.nodeId ?? null)) {
    throw validationError('server', `Server ${server.identifier} runs on another node than network ${network.name}.`, 'same_node');
  }
  if (input.member) {
    try {
      await addNetworkMember(db, network.id, server.id, now);
    } catch (err) {
      if (!isDuplicateEntry(err)) throw err; // already a member: adding twice is harmless
    }
  } else if (!(await removeNetworkMember(db, network.id, server.id))) {
    throw validationError('server', `Server ${server.identifier} is not in network ${network.name}.`, 'exists');
  }
  return { network: network.name, server: server.identifier, member: input.member };
}
