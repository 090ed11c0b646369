import { builtinRole, type BuiltinRoleId } from '@contracts/roles';
import type { RoleRow } from '@db/schema/roles';

/** A role item (`object: "role"`): owner-defined roles by uuid, built-ins by their fixed id. */
export function roleItem(role: RoleRow, extra: { is_owner: boolean; assignments?: number }) {
  return {
    object: 'role' as const,
    attributes: {
      id: role.uuid,
      name: role.name,
      description: role.description,
      permissions: [...role.permissions],
      builtin: false,
      ...extra,
      created_at: role.createdAt.toISOString(),
      updated_at: role.updatedAt.toISOString(),
    },
  };
}

export function builtinRoleItem(id: BuiltinRoleId) {
  const b = builtinRole(id);
  return {
    object: 'role' as const,
    attributes: {
      id: b.id, name: b.name, description: null, permissions: [...b.permissions], builtin: true, is_owner: false,
      created_at: null, updated_at: null,
    },
  };
}
