import { findNodeByUuid } from '@db/repositories/nodes';
import type { Executor } from '@db/client';
import { validationError } from '../http/errors';
import { systemClock } from '../context';
import { createNode } from '../services/nodes/create-node';
import { deleteNode, updateNode } from '../services/nodes/manage-node';
import { testNode } from '../services/nodes/test-node';
import { required, type CliCommand, type Values } from './commands';

const optional = (v: Values, name: string): string | undefined => (typeof v[name] === 'string' && v[name] !== '' ? v[name] : undefined);

/** `--node <uuid>` as the node's id, or null for this host. */
export async function nodeIdOf(db: Executor, v: Values): Promise<number | null> {
  const uuid = optional(v, 'node');
  if (!uuid) return null;
  const node = await findNodeByUuid(db, uuid);
  if (!node) throw validationError('node', `No node has the uuid ${uuid}.`, 'exists');
  return node.id;
}

/** Wings nodes (DESIGN §19, docs/wings.md). */
export const nodeCommands: Record<string, CliCommand> = {
  // Taking over an existing node: `node:create --name n --url https://node:8080 --token-id <token_id> --token <token>`.
  'node:create': {
    options: { name: { type: 'string' }, url: { type: 'string' }, 'token-id': { type: 'string' }, token: { type: 'string' } },
    run: async ({ db }, v, env) => {
      const tokenId = optional(v, 'token-id');
      const token = optional(v, 'token');
      const made = await createNode(db, env.appKey(), {
        name: required(v, 'name'), url: required(v, 'url'), ...(tokenId ? { tokenId } : {}), ...(token ? { token } : {}),
      }, new Date());
      // A new pair is shown this once: `token` is what Wings sends (`<token_id>.<secret>`), `secret` goes into its
      // config.yml as `token`. A pair the operator gave is not repeated.
      const { node } = made;
      return { uuid: node.uuid, name: node.name, url: node.url, token_id: made.tokenId, ...(token ? {} : { token: made.token, secret: made.secret }) };
    },
  },
  // `node:update --node <uuid> [--name n] [--url https://node:8080] [--token-id <id> --token <token>]`.
  'node:update': {
    options: { node: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' }, 'token-id': { type: 'string' }, token: { type: 'string' } },
    run: async ({ db }, v, env) => {
      const name = optional(v, 'name');
      const url = optional(v, 'url');
      const tokenId = optional(v, 'token-id');
      const token = optional(v, 'token');
      const node = await updateNode(db, systemClock, null, env.appKey(), required(v, 'node'), {
        ...(name ? { name } : {}), ...(url ? { url } : {}), ...(tokenId ? { tokenId } : {}), ...(token ? { token } : {}),
      });
      return { uuid: node.uuid, name: node.name, url: node.url, token_id: node.tokenId };
    },
  },
  // `node:delete --node <uuid>`: refused while servers are on the node.
  'node:delete': {
    options: { node: { type: 'string' } },
    run: async ({ db }, v) => {
      const node = await deleteNode(db, systemClock, null, required(v, 'node'));
      return { deleted: node.uuid, name: node.name };
    },
  },
  'node:test': {
    options: { node: { type: 'string' } },
    run: async ({ db }, v, env) => testNode(db, env.appKey(), required(v, 'node')),
  },
};
