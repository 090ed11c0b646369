import { NO_OVERRIDES } from '@contracts/roles';
import { findRoleByUuid, setSubuserRoleLink } from '@db/repositories/roles';
import { findSubuserByUserUuid } from '@db/repositories/subusers';
import type { AppContext } from '../../context';
import { notFound, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import type { CreatedSubuser } from '../subusers/create-subuser';
import { cannotEditSelf, permissionsNotHeld } from '../subusers/errors';
import { decideUpdate } from '../subusers/grant-rule';
import { revoke } from '../subusers/notify';
import type { AssignRoleBody } from './inputs';
import { assignableRole, checkedOverrides, currentRole, linkedKeys } from './resolve-role';

const overridesNeedRole = () => validationError('overrides', 'Overrides apply on top of a role; pick a role first.', 'required_with');

/**
 * Links a subuser to a role (with per-server overrides), or unlinks it keeping its keys (DESIGN §20). The §4 update
 * rule judges the resulting keys: every key that changes must be held by the granter on this server. The role row is
 * locked (shared) so a concurrent edit of the role is applied before or after, never half.
 */
export async function assignRole(app: AppContext, actor: Actor, access: ServerAccess, userUuid: string, input: AssignRoleBody): Promise<CreatedSubuser> {
  if (userUuid === actor.user.uuid) throw cannotEditSelf();
  const overrides = checkedOverrides(input.overrides);
  if (input.role === null && (overrides.add.length || overrides.remove.length)) throw overridesNeedRole();

  const outcome = await app.db.transaction(async (tx) => {
    const target = input.role === null ? null : await assignableRole(tx, access.server, input.role);
    if (target?.roleId) await findRoleByUuid(tx, input.role ?? '', true);
    const found = await findSubuserByUserUuid(tx, access.server.id, userUuid, true);
    if (!found) throw notFound();
    const previous = await currentRole(tx, found.subuser);
    const next = target ? linkedKeys(target, overrides) : found.subuser.permissions;
    const decision = decideUpdate(access.permissions, found.subuser.permissions, next);
    if (decision.denied.length) throw permissionsNotHeld(decision.denied);
    const now = app.clock.now();
    const link = {
      roleId: target?.roleId ?? null, builtinRole: target?.builtinRole ?? null,
      overrides: target ? { add: [...overrides.add], remove: [...overrides.remove] } : null, permissions: decision.result,
    };
    await setSubuserRoleLink(tx, access.server.id, found.subuser.id, link, now);
    await logActivity(tx, app.clock, {
      event: 'server:subuser.role', actor, serverId: access.server.id,
      properties: {
        email: found.user.email, role: target ? input.role : null, role_name: target?.name ?? null,
        old_role: previous?.name ?? null, overrides: target ? overrides : NO_OVERRIDES,
        old: [...found.subuser.permissions].sort(), new: [...decision.result].sort(),
        added: [...decision.added].sort(), revoked: [...decision.removed].sort(),
      },
    });
    const changed = decision.added.length > 0 || decision.removed.length > 0;
    return { user: found.user, subuser: { ...found.subuser, ...link, updatedAt: now }, changed };
  });
  if (outcome.changed) await revoke(app, [outcome.user.uuid], access.server.uuid);
  return { user: outcome.user, subuser: outcome.subuser };
}
