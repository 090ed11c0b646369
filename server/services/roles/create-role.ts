import { randomUUID } from 'node:crypto';
import { ALWAYS_GRANTED } from '@contracts/permissions';
import { insertRole } from '@db/repositories/roles';
import { isDuplicateEntry } from '@db/repositories/subusers';
import type { RoleRow } from '@db/schema/roles';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { unknownPermissions } from '../subusers/errors';
import { normalizeKeys, unknownKeys } from '../subusers/grant-rule';
import { duplicateRoleName } from './errors';
import type { RoleBody } from './inputs';

/** The stored form of a role's keys: known, deduplicated, catalogue order, without the always-granted key. */
export function roleKeys(requested: readonly string[]): string[] {
  const unknown = unknownKeys(requested);
  if (unknown.length) throw unknownPermissions(unknown);
  return normalizeKeys(requested).filter((k) => k !== ALWAYS_GRANTED);
}

/**
 * Creates a role in the actor's own account (DESIGN §20). It touches no server yet, so only the catalogue limits it;
 * the grant rules apply when it is assigned and whenever it is edited.
 */
export async function createRole(app: AppContext, actor: Actor, input: RoleBody): Promise<RoleRow> {
  const permissions = roleKeys(input.permissions);
  try {
    return await app.db.transaction(async (tx) => {
      const now = app.clock.now();
      const role = await insertRole(tx, {
        uuid: randomUUID(), ownerId: actor.user.id, name: input.name, description: input.description ?? null,
        permissions, createdAt: now, updatedAt: now,
      });
      await logActivity(tx, app.clock, { event: 'role:create', actor, properties: { role: role.uuid, name: role.name, permissions } });
      return role;
    });
  } catch (err) {
    if (isDuplicateEntry(err)) throw duplicateRoleName();
    throw err;
  }
}
