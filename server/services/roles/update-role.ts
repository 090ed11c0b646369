import { isPermission } from '@contracts/permissions';
import { applyOverrides, NO_OVERRIDES } from '@contracts/roles';
import { listLinkedSubusers, membershipsOn, setSubuserRoleLink, updateRole as writeRole, type LinkedSubuser } from '@db/repositories/roles';
import { isDuplicateEntry } from '@db/repositories/subusers';
import type { RoleRow } from '@db/schema/roles';
import type { Executor } from '@db/client';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { accessFrom } from '../server-access';
import { revoke } from '../subusers/notify';
import { roleKeys } from './create-role';
import { duplicateRoleName, roleEditDenied } from './errors';
import type { RoleBody } from './inputs';
import { visibleRole } from './resolve-role';

/**
 * The grant rule at edit time (DESIGN §4 for every server the role touches): on each server with a linked subuser
 * the editor must hold `user.update` and every key the edit adds or removes. The owner and admins hold `*`.
 */
async function checkEditor(db: Executor, actor: Actor, linked: readonly LinkedSubuser[], changed: readonly string[]): Promise<void> {
  const servers = [...new Map(linked.map((l) => [l.server.id, l.server])).values()];
  const mine = new Map((await membershipsOn(db, actor.user.id, servers.map((s) => s.id))).map((m) => [m.serverId, m]));
  for (const server of servers) {
    const access = accessFrom(actor.user, server, mine.get(server.id) ?? null);
    if (!access || !access.permissions.has('user.update')) throw roleEditDenied(server.identifier, []);
    const lacking = changed.filter((k) => !(isPermission(k) && access.permissions.has(k)));
    if (lacking.length) throw roleEditDenied(server.identifier, lacking);
  }
}

/**
 * Edits a role and re-applies it to every linked subuser in the same transaction (live link), then revokes per
 * affected user and server so sockets and SFTP sessions get the new keys at once (DESIGN §7.6).
 */
export async function updateRole(app: AppContext, actor: Actor, uuid: string, input: RoleBody): Promise<RoleRow> {
  const permissions = roleKeys(input.permissions);
  let outcome: { role: RoleRow; affected: Array<{ user: string; server: string }> };
  try {
    outcome = await app.db.transaction(async (tx) => {
      const role = await visibleRole(tx, actor, uuid, true);
      const linked = await listLinkedSubusers(tx, role.id, true);
      const before = new Set(role.permissions);
      const after = new Set(permissions);
      const changed = [...new Set([...before, ...after])].filter((k) => before.has(k) !== after.has(k)).sort();
      if (role.ownerId !== actor.user.id || changed.length) await checkEditor(tx, actor, linked, changed);
      const now = app.clock.now();
      await writeRole(tx, role.id, { name: input.name, description: input.description ?? null, permissions, updatedAt: now });
      const affected: Array<{ user: string; server: string }> = [];
      for (const l of linked) {
        const overrides = l.subuser.overrides ?? NO_OVERRIDES;
        const next = applyOverrides(permissions, overrides);
        const old = [...l.subuser.permissions].sort();
        if (JSON.stringify(old) === JSON.stringify([...next].sort())) continue;
        await setSubuserRoleLink(tx, l.server.id, l.subuser.id, {
          roleId: role.id, builtinRole: null, overrides: l.subuser.overrides, permissions: next,
        }, now);
        await logActivity(tx, app.clock, {
          event: 'server:subuser.update', actor, serverId: l.server.id,
          properties: { email: l.user.email, role: role.uuid, old, new: [...next].sort() },
        });
        affected.push({ user: l.user.uuid, server: l.server.uuid });
      }
      await logActivity(tx, app.clock, {
        event: 'role:update', actor,
        properties: {
          role: role.uuid, name: input.name, old: [...role.permissions].sort(), new: [...permissions].sort(),
          servers: [...new Set(linked.map((l) => l.server.uuid))].sort(), reapplied: affected.length,
        },
      });
      return { role: { ...role, name: input.name, description: input.description ?? null, permissions, updatedAt: now }, affected };
    });
  } catch (err) {
    if (isDuplicateEntry(err)) throw duplicateRoleName();
    throw err;
  }
  for (const a of outcome.affected) await revoke(app, [a.user], a.server);
  return outcome.role;
}
