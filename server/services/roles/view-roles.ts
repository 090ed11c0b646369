import { BUILTIN_ROLE_IDS } from '@contracts/roles';
import { listLinkedSubusers, listRolesOfOwners, membershipsOn, ownersManagedBy, type LinkedSubuser } from '@db/repositories/roles';
import { accessFrom } from '../server-access';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { ROLE_VIEW_KEYS, visibleRole } from './resolve-role';
import { builtinRoleItem, roleItem } from './transform';

/** The built-ins, then the actor's own roles, then those of owners whose servers the actor helps manage. */
export async function listRoles(app: AppContext, actor: Actor) {
  const owners = [actor.user.id, ...(await ownersManagedBy(app.db, actor.user.id, ROLE_VIEW_KEYS)).filter((id) => id !== actor.user.id)];
  const rows = await listRolesOfOwners(app.db, owners);
  const own = rows.filter((r) => r.ownerId === actor.user.id);
  const others = rows.filter((r) => r.ownerId !== actor.user.id);
  return {
    object: 'list' as const,
    data: [
      ...BUILTIN_ROLE_IDS.map(builtinRoleItem),
      ...[...own, ...others].map((r) => roleItem(r, { is_owner: r.ownerId === actor.user.id })),
    ],
  };
}

/** A manager sees the links on the servers where they may read subusers; the owner and admins see all. */
async function visibleAssignments(app: AppContext, actor: Actor, ownerId: number, linked: LinkedSubuser[]): Promise<LinkedSubuser[]> {
  if (actor.user.id === ownerId || actor.user.rootAdmin) return linked;
  const mine = new Map((await membershipsOn(app.db, actor.user.id, [...new Set(linked.map((l) => l.server.id))])).map((m) => [m.serverId, m]));
  return linked.filter((l) => accessFrom(actor.user, l.server, mine.get(l.server.id) ?? null)?.permissions.has('user.read') === true);
}

/** One role with where it is used (server and subuser of each link). */
export async function getRole(app: AppContext, actor: Actor, uuid: string) {
  const role = await visibleRole(app.db, actor, uuid);
  const linked = await visibleAssignments(app, actor, role.ownerId, await listLinkedSubusers(app.db, role.id));
  const item = roleItem(role, { is_owner: role.ownerId === actor.user.id, assignments: linked.length });
  return {
    ...item,
    meta: {
      assignments: linked.map((l) => ({
        server: { uuid: l.server.uuid, identifier: l.server.identifier, name: l.server.name },
        user: { uuid: l.user.uuid, email: l.user.email },
        overrides: l.subuser.overrides ?? { add: [], remove: [] },
      })),
    },
  };
}
