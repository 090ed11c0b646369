import { builtinRole, isBuiltinRole } from '@contracts/roles';
import { findRolesByIds } from '@db/repositories/roles';
import type { SubuserRow } from '@db/schema/servers';
import type { Executor } from '@db/client';

/** How a subuser item names its role: `{id, name, builtin}` (id = built-in id or the role's uuid). */
export interface RoleRef {
  readonly id: string;
  readonly name: string;
  readonly builtin: boolean;
}

/** The role of each subuser row (by row id), in one query; rows without a role are absent. */
export async function roleRefs(db: Executor, rows: readonly SubuserRow[]): Promise<Map<number, RoleRef>> {
  const out = new Map<number, RoleRef>();
  const custom = await findRolesByIds(db, rows.flatMap((r) => (r.roleId === null ? [] : [r.roleId])));
  const byId = new Map(custom.map((r) => [r.id, r]));
  for (const row of rows) {
    if (row.builtinRole && isBuiltinRole(row.builtinRole)) {
      const b = builtinRole(row.builtinRole);
      out.set(row.id, { id: b.id, name: b.name, builtin: true });
    } else if (row.roleId !== null) {
      const r = byId.get(row.roleId);
      if (r) out.set(row.id, { id: r.uuid, name: r.name, builtin: false });
    }
  }
  return out;
}

export async function roleRef(db: Executor, row: SubuserRow): Promise<RoleRef | null> {
  return (await roleRefs(db, [row])).get(row.id) ?? null;
}
