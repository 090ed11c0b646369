import { isBuiltinRole } from '@contracts/roles';
import { route } from '../http/manifest';
import { createRole } from '../services/roles/create-role';
import { deleteRole } from '../services/roles/delete-role';
import { builtinReadOnly } from '../services/roles/errors';
import { bulkInviteBody, roleBody } from '../services/roles/inputs';
import { inviteWithRole } from '../services/roles/invite-with-role';
import { roleRefs } from '../services/roles/role-refs';
import { subuserItem } from '../services/subusers/transform';
import { roleItem, builtinRoleItem } from '../services/roles/transform';
import { updateRole } from '../services/roles/update-role';
import { getRole, listRoles } from '../services/roles/view-roles';

const base = '/api/client/roles';

/** Built-in ids name the §3 presets: readable by anyone signed in, never writable. */
function writable(id: string | undefined): string {
  if (isBuiltinRole(id ?? '')) throw builtinReadOnly();
  return id ?? '';
}

/**
 * Roles of the signed-in account (DESIGN §20): the built-ins, the account's own roles and, read-only for picking,
 * those of owners whose servers it helps manage. The rules (visibility, grant rules per server touched) live in the
 * services.
 */
export const roleRoutes = [
  route({
    method: 'GET', path: base, need: 'auth',
    handler: async ({ app, actor }) => listRoles(app, actor),
  }),
  route({
    method: 'POST', path: base, need: 'auth', body: roleBody,
    example: { body: { name: 'Builders', description: 'matrix', permissions: ['file.read'] } },
    handler: async ({ app, actor, body }) => roleItem(await createRole(app, actor, body), { is_owner: true, assignments: 0 }),
  }),
  route({
    method: 'GET', path: `${base}/:role`, need: 'auth',
    handler: async ({ app, actor, params }) => {
      const id = params.role ?? '';
      return isBuiltinRole(id) ? builtinRoleItem(id) : getRole(app, actor, id);
    },
  }),
  route({
    method: 'POST', path: `${base}/:role`, need: 'auth', body: roleBody,
    handler: async ({ app, actor, params, body }) => {
      const role = await updateRole(app, actor, writable(params.role), body);
      return roleItem(role, { is_owner: role.ownerId === actor.user.id });
    },
  }),
  route({
    method: 'POST', path: `${base}/:role/invite`, need: 'auth', body: bulkInviteBody,
    handler: async ({ app, actor, params, body }) => {
      const done = await inviteWithRole(app, actor, params.role ?? '', body);
      const refs = await roleRefs(app.db, done.memberships.map((m) => m.subuser));
      return {
        object: 'list',
        data: done.memberships.map((m) => ({
          ...subuserItem(m.subuser, done.user, refs.get(m.subuser.id) ?? null),
          meta: { server: { uuid: m.server.uuid, identifier: m.server.identifier, name: m.server.name } },
        })),
      };
    },
  }),
  route({
    method: 'DELETE', path: `${base}/:role`, need: 'auth',
    handler: async ({ app, actor, params }) => { await deleteRole(app, actor, writable(params.role)); },
  }),
];
