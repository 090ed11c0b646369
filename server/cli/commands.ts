import { grantSuperAdmin } from '@db/repositories/admin-roles';
import type { ParseArgsConfig } from 'node:util';
import type { DatabaseHandle } from '@db/client';
import { findUserByEmail } from '@db/repositories/users';
import { InProcessBus } from '@bridge/bus';
import { systemClock } from '../context';
import { fromZod, validationError } from '../http/errors';
import { apiKeyInput } from '../services/account/api-key-input';
import { createApiKey } from '../services/account/create-api-key';
import { apiKeyItem } from '../services/account/transformers';
import { setUserSuspended } from '../services/account/set-user-suspended';
import { createServer } from '../services/create-server';
import { createUser } from '../services/create-user';
import { softwareCommands } from './software-commands';
import { databaseHostCommands } from './database-hosts';
import { networkCommands } from './network-commands';
import { nodeCommands, nodeIdOf } from './node-commands';
import { announceToNode } from '../services/nodes/announce-server';
import { setUserTwoFactorEnforced } from '../services/passkeys/set-user-require-two-factor';

export type Values = Record<string, string | boolean | undefined>;
/** What a command may need beyond the database: APP_KEY (read or made on first use, as the panel does). */
export interface CliEnvironment { appKey(): string }
export interface CliCommand {
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(handle: DatabaseHandle, values: Values, env: CliEnvironment): Promise<Record<string, unknown>>;
}

export function required(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw validationError(name, `--${name} is required.`, 'required');
  return v;
}

/** Operators act from the host: the activity row records the CLI as the agent, with no IP. */
const CLI_AGENT = 'cohost-cli';

function suspension(suspended: boolean): CliCommand {
  return {
    options: { email: { type: 'string' } },
    run: async ({ db }, v) => {
      // The CLI has no live sockets of its own; the panel's sessions and keys stop at once because the epoch and the
      // suspended flag are read on every request.
      const bus = new InProcessBus();
      const user = await setUserSuspended({ db, clock: systemClock, bus }, null, required(v, 'email'), suspended);
      await bus.close();
      return { uuid: user.uuid, email: user.email, suspended: user.suspended };
    },
  };
}

export const commands: Record<string, CliCommand> = {
  ...softwareCommands,
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
      // An operator's admin is a super-admin (docs/admin.md): the CLI bootstraps the admin area.
      if (user.rootAdmin) await grantSuperAdmin(db, user.id, new Date());
      return { uuid: user.uuid, email: user.email, username: user.username, root_admin: user.rootAdmin };
    },
  },
  // `--node <uuid>` puts it on a Wings node (the node is told to create it); `--uuid` takes over one it already has.
  'server:create': {
    options: { owner: { type: 'string' }, name: { type: 'string' }, command: { type: 'string' }, software: { type: 'string' }, node: { type: 'string' }, uuid: { type: 'string' } },
    run: async ({ db }, v, env) => {
      const command = typeof v.command === 'string' && v.command !== '' ? v.command : undefined;
      const software = typeof v.software === 'string' && v.software !== '' ? v.software : undefined;
      // Neither: the bundled sample game server, as before software definitions existed.
      const server = await createServer(db, {
        owner: required(v, 'owner'), name: required(v, 'name'),
        ...(command ? { command } : {}), ...(software || !command ? { software: software ?? 'sample-game' } : {}),
        nodeId: await nodeIdOf(db, v), ...(typeof v.uuid === 'string' && v.uuid !== '' ? { uuid: v.uuid } : {}),
      }, new Date());
      const node = server.nodeId ? await announceToNode(db, env.appKey(), server, typeof v.uuid === 'string' && v.uuid !== '') : null;
      return { uuid: server.uuid, identifier: server.identifier, name: server.name, software: software ?? (command ? 'generic' : 'sample-game'), ...(node ? { node } : {}) };
    },
  },
  'api-key:create': {
    options: { user: { type: 'string' }, memo: { type: 'string' } },
    run: async ({ db }, v) => {
      const email = required(v, 'user');
      const user = await findUserByEmail(db, email);
      if (!user || user.status !== 'active') throw validationError('user', `No account exists with the email ${email}.`, 'exists');
      const input = apiKeyInput.safeParse({ memo: typeof v.memo === 'string' ? v.memo : '', allowed_ips: [] });
      if (!input.success) throw fromZod(input.error);
      const { key, token } = await createApiKey({ db, clock: systemClock }, { user, apiKey: null, ip: '', userAgent: CLI_AGENT }, input.data);
      return { ...apiKeyItem(key).attributes, user: user.email, token };
    },
  },
  'user:suspend': suspension(true),
  'user:unsuspend': suspension(false),
  ...databaseHostCommands,
  ...nodeCommands,
  ...networkCommands,
  // Admins enforce 2FA per user (DESIGN §22): `user:require-2fa --email x` (add --off to stop enforcing).
  'user:require-2fa': {
    options: { email: { type: 'string' }, off: { type: 'boolean' } },
    run: async ({ db }, v) => {
      const bus = new InProcessBus();
      const user = await setUserTwoFactorEnforced({ db, clock: systemClock, bus }, null, required(v, 'email'), v.off !== true);
      await bus.close();
      return { uuid: user.uuid, email: user.email, require_2fa: user.requireTwoFactor, enrolled: user.enrolled };
    },
  },
};
