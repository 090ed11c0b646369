import type { ParseArgsConfig } from 'node:util';
import type { DatabaseHandle } from '@db/client';
import { validationError } from '../http/errors';
import { createNode } from '../services/create-node';
import { createServer } from '../services/create-server';
import { createUser } from '../services/create-user';

type Values = Record<string, string | boolean | undefined>;
export interface CliCommand {
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(handle: DatabaseHandle, values: Values): Promise<Record<string, unknown>>;
}

function required(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw validationError(name, `--${name} is required.`, 'required');
  return v;
}

export const commands: Record<string, CliCommand> = {
  migrate: {
    options: {},
    run: async () => ({ migrated: true }),
  },
  'user:create': {
    options: { email: { type: 'string' }, username: { type: 'string' }, password: { type: 'string' }, admin: { type: 'boolean' } },
    run: async ({ db }, v) => {
      const user = await createUser(db, {
        email: required(v, 'email'), username: required(v, 'username'), password: required(v, 'password'), rootAdmin: v.admin === true,
      }, new Date());
      return { uuid: user.uuid, email: user.email, username: user.username, root_admin: user.rootAdmin };
    },
  },
  'server:create': {
    options: { owner: { type: 'string' }, name: { type: 'string' }, command: { type: 'string' } },
    run: async ({ db }, v) => {
      const server = await createServer(db, {
        owner: required(v, 'owner'), name: required(v, 'name'),
        command: typeof v.command === 'string' && v.command !== '' ? v.command : 'node sample-game-server.mjs',
      }, new Date());
      return { uuid: server.uuid, identifier: server.identifier, name: server.name };
    },
  },
  'node:create': {
    options: { name: { type: 'string' }, url: { type: 'string' } },
    run: async ({ db }, v) => {
      const { node, token } = await createNode(db, { name: required(v, 'name'), url: required(v, 'url') }, new Date());
      // The token is shown this once: Wings sends it as `Authorization: Bearer <token>`.
      return { uuid: node.uuid, name: node.name, url: node.url, token_id: node.tokenId, token };
    },
  },
};
