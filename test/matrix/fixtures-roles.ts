import { randomBytes, randomUUID } from 'node:crypto';
import { insertRole } from '@db/repositories/roles';
import type { UserRow } from '@db/schema/users';
import { makeSubuser } from '../factories/records';
import type { Fixture, Scene } from './fixtures';

const R = '/api/client/roles';
const unique = () => randomBytes(5).toString('hex');

/** A role owned by `owner` (the caller of the account-level cases). */
async function roleOf(s: Scene, owner: UserRow): Promise<string> {
  const now = new Date();
  const role = await insertRole(s.app.db, {
    uuid: randomUUID(), ownerId: owner.id, name: `matrix ${unique()}`, description: null, permissions: ['file.read'], createdAt: now, updatedAt: now,
  });
  return role.uuid;
}

const ownRole = (body?: unknown): Fixture => async (s) => {
  const caller = await s.user();
  return { caller, params: { role: await roleOf(s, caller) }, ...(body ? { body } : {}) };
};

/** The role routes' fixtures (DESIGN §20), merged into FIXTURES. */
export const ROLE_FIXTURES: Readonly<Record<string, Fixture>> = {
  [`POST ${R}`]: () => ({ body: { name: `matrix ${unique()}`, permissions: ['file.read'] } }),
  [`GET ${R}/:role`]: ownRole(),
  [`POST ${R}/:role`]: ownRole({ name: 'renamed', permissions: ['file.read', 'file.update'] }),
  [`DELETE ${R}/:role`]: ownRole(),
  // The scene's owner invites a new address into their server with a built-in role.
  [`POST ${R}/:role/invite`]: (s) => ({ caller: s.owner, params: { role: 'viewer' }, body: { email: `bulk-${unique()}@example.com`, servers: [s.server.uuid] } }),
  ['PUT /api/client/servers/:server/users/:user/file-scope']: async (s) => {
    const user = await s.user();
    await makeSubuser(s.app.db, s.server, user, ['file.read']);
    return { params: { user: user.uuid }, body: { paths: ['/plugins/**', '/server.properties'] } };
  },
  // Moderator minus everything the target lacks: the keys do not change, so `user.update` alone suffices.
  ['PUT /api/client/servers/:server/users/:user/role']: async (s) => {
    const user = await s.user();
    await makeSubuser(s.app.db, s.server, user, ['control.console']);
    return {
      params: { user: user.uuid },
      body: { role: 'moderator', overrides: { remove: ['control.start', 'control.stop', 'control.restart', 'activity.read'] } },
    };
  },
};
