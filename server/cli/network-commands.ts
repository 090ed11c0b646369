import { findNodeByUuid } from '@db/repositories/nodes';
import type { Executor } from '@db/client';
import { validationError } from '../http/errors';
import { addAllocations } from '../services/network/add-allocations';
import { createPrivateNetwork } from '../services/network/create-private-network';
import { setNetworkMembership } from '../services/network/set-network-membership';
import { required, type CliCommand, type Values } from './commands';

/** `--node <uuid>` names a Wings node; without it the command acts on this host (the LocalDaemon). */
async function nodeOf(db: Executor, v: Values): Promise<number | null> {
  if (typeof v.node !== 'string' || v.node === '') return null;
  const node = await findNodeByUuid(db, v.node);
  if (!node) throw validationError('node', `No node has the uuid ${v.node}.`, 'exists');
  return node.id;
}

const membership = (member: boolean): CliCommand => ({
  options: { network: { type: 'string' }, server: { type: 'string' }, node: { type: 'string' } },
  run: async ({ db }, v) => setNetworkMembership(db, {
    network: required(v, 'network'), server: required(v, 'server'), nodeId: await nodeOf(db, v), member,
  }, new Date()),
});

/** The admin side of DESIGN §17: allocation pools and private networks. */
export const networkCommands: Record<string, CliCommand> = {
  'allocation:create': {
    options: { ip: { type: 'string' }, ports: { type: 'string' }, alias: { type: 'string' }, node: { type: 'string' } },
    run: async ({ db }, v) => {
      const ip = required(v, 'ip');
      const out = await addAllocations(db, {
        ip, ports: required(v, 'ports'), nodeId: await nodeOf(db, v),
        ...(typeof v.alias === 'string' && v.alias !== '' ? { alias: v.alias } : {}),
      }, new Date());
      return { ip, ...out };
    },
  },
  'network:create': {
    options: { name: { type: 'string' }, node: { type: 'string' } },
    run: async ({ db }, v) => {
      const network = await createPrivateNetwork(db, { name: required(v, 'name'), nodeId: await nodeOf(db, v) }, new Date());
      return { id: network.id, name: network.name };
    },
  },
  'network:add': membership(true),
  'network:remove': membership(false),
};
