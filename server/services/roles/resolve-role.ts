import { applyOverrides, builtinRole, isBuiltinRole, NO_OVERRIDES, type RoleOverrides } from '@contracts/roles';
import type { Permission } from '@contracts/permissions';
import { findRoleById, findRoleByUuid, ownersManagedBy } from '@db/repositories/roles';
import type { RoleRow } from '@db/schema/roles';
import type { ServerRow, SubuserRow } from '@db/schema/servers';
import type { Executor } from '@db/client';
import type { Actor } from '../../http/types';
import { unknownPermissions } from '../subusers/errors';
import { unknownKeys } from '../subusers/grant-rule';
import { roleNotFound, unknownRole } from './errors';

/** A role as a subuser row links to it: an owner-defined row or a built-in id, with its keys. */
export interface RoleLinkTarget {
  readonly roleId: number | null;
  readonly builtinRole: string | null;
  readonly name: string;
  readonly keys: readonly Permission[] | readonly string[];
}

/** Keys that let a member see (and pick) the roles of their server's owner. */
export const ROLE_VIEW_KEYS = ['user.read', 'user.create', 'user.update'] as const;

/**
 * A role someone may assign on `server`: a built-in, or one of the server owner's roles (another owner's role is
 * refused like an unknown one, so nobody learns which uuids exist).
 */
export async function assignableRole(db: Executor, server: ServerRow, ref: string): Promise<RoleLinkTarget> {
  if (isBuiltinRole(ref)) {
    const b = builtinRole(ref);
    return { roleId: null, builtinRole: b.id, name: b.name, keys: b.permissions };
  }
  const role = await findRoleByUuid(db, ref);
  if (!role || role.ownerId !== server.ownerId) throw unknownRole();
  return { roleId: role.id, builtinRole: null, name: role.name, keys: role.permissions };
}

/** The role a subuser row is linked to now, or null for explicit keys. */
export async function currentRole(db: Executor, subuser: SubuserRow): Promise<RoleLinkTarget | null> {
  if (subuser.builtinRole && isBuiltinRole(subuser.builtinRole)) {
    const b = builtinRole(subuser.builtinRole);
    return { roleId: null, builtinRole: b.id, name: b.name, keys: b.permissions };
  }
  if (subuser.roleId === null) return null;
  const role = await findRoleById(db, subuser.roleId);
  return role ? { roleId: role.id, builtinRole: null, name: role.name, keys: role.permissions } : null;
}

/** Overrides checked against the catalogue (422 naming the unknown keys) and deduplicated. */
export function checkedOverrides(input: { add: readonly string[]; remove: readonly string[] } | undefined): RoleOverrides {
  if (!input) return NO_OVERRIDES;
  const unknown = unknownKeys([...input.add, ...input.remove]);
  if (unknown.length) throw unknownPermissions(unknown);
  return { add: [...new Set(input.add)].sort(), remove: [...new Set(input.remove)].sort() };
}

/** What a subuser linked to `target` with `overrides` holds. */
export const linkedKeys = (target: RoleLinkTarget, overrides: RoleOverrides) => applyOverrides(target.keys, overrides);

/** An owner-defined role the actor may see: their own, or one of an owner whose server they help manage. */
export async function visibleRole(db: Executor, actor: Actor, uuid: string, lock = false): Promise<RoleRow> {
  const role = await findRoleByUuid(db, uuid, lock);
  if (!role) throw roleNotFound();
  if (role.ownerId === actor.user.id || actor.user.rootAdmin) return role;
  const owners = await ownersManagedBy(db, actor.user.id, ROLE_VIEW_KEYS);
  if (!owners.includes(role.ownerId)) throw roleNotFound();
  return role;
}

/** A subuser row's role columns and the keys they give, resolved for `server`; `lock` locks the role row. */
export interface ResolvedLink {
  readonly roleId: number | null;
  readonly builtinRole: string | null;
  readonly overrides: { add: string[]; remove: string[] };
  readonly permissions: Permission[];
  readonly name: string;
}

export async function resolveLink(
  db: Executor, server: ServerRow, ref: string, input: { add: readonly string[]; remove: readonly string[] } | undefined, lock = false,
): Promise<ResolvedLink> {
  const overrides = checkedOverrides(input);
  const target = await assignableRole(db, server, ref);
  if (lock && target.roleId !== null && !(await findRoleByUuid(db, ref, true))) throw unknownRole();
  return {
    roleId: target.roleId, builtinRole: target.builtinRole, name: target.name,
    overrides: { add: [...overrides.add], remove: [...overrides.remove] }, permissions: linkedKeys(target, overrides),
  };
}
