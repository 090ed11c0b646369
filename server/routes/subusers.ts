import { route } from '../http/manifest';
import { assignRole } from '../services/roles/assign-role';
import { assignRoleBody } from '../services/roles/inputs';
import { roleRef, roleRefs } from '../services/roles/role-refs';
import { createSubuser } from '../services/subusers/create-subuser';
import { deleteSubuser } from '../services/subusers/delete-subuser';
import { createSubuserBody, fileScopeBody, resendInviteBody, updateSubuserBody } from '../services/subusers/inputs';
import { leaveServer } from '../services/subusers/leave-server';
import { resendInvite } from '../services/subusers/resend-invite';
import { subuserItem } from '../services/subusers/transform';
import { updateSubuser } from '../services/subusers/update-subuser';
import { setFileScope } from '../services/subusers/set-file-scope';
import { getSubuser, listSubusers } from '../services/subusers/view-subusers';

const base = '/api/client/servers/:server';

/**
 * Pterodactyl's subuser API (DESIGN §5); `:user` is the account's uuid. The rules live in the services. Roles
 * (DESIGN §20) are additive: `role`/`overrides` on create and `PUT …/role`; clients that only send keys keep working.
 */
export const subuserRoutes = [
  route({
    method: 'GET', path: `${base}/users`, need: 'user.read',
    handler: async ({ app, access }) => {
      const rows = await listSubusers(app, access);
      const refs = await roleRefs(app.db, rows.map((r) => r.subuser));
      return { object: 'list', data: rows.map((r) => subuserItem(r.subuser, r.user, refs.get(r.subuser.id) ?? null)) };
    },
  }),
  route({
    method: 'POST', path: `${base}/users`, need: 'user.create', body: createSubuserBody,
    handler: async ({ app, actor, access, body }) => {
      const created = await createSubuser(app, actor, access, body);
      return subuserItem(created.subuser, created.user, await roleRef(app.db, created.subuser));
    },
  }),
  route({
    method: 'GET', path: `${base}/users/:user`, need: 'user.read',
    handler: async ({ app, actor, access, params }) => {
      const found = await getSubuser(app, actor, access, params.user ?? '');
      return subuserItem(found.subuser, found.user, await roleRef(app.db, found.subuser));
    },
  }),
  route({
    method: 'POST', path: `${base}/users/:user`, need: 'user.update', body: updateSubuserBody,
    handler: async ({ app, actor, access, params, body }) => {
      const updated = await updateSubuser(app, actor, access, params.user ?? '', body.permissions);
      return subuserItem(updated.subuser, updated.user, await roleRef(app.db, updated.subuser));
    },
  }),
  route({
    method: 'PUT', path: `${base}/users/:user/role`, need: 'user.update', body: assignRoleBody,
    handler: async ({ app, actor, access, params, body }) => {
      const linked = await assignRole(app, actor, access, params.user ?? '', body);
      return subuserItem(linked.subuser, linked.user, await roleRef(app.db, linked.subuser));
    },
  }),
  route({
    method: 'PUT', path: `${base}/users/:user/file-scope`, need: 'user.update', body: fileScopeBody,
    handler: async ({ app, actor, access, params, body }) => {
      const scoped = await setFileScope(app, actor, access, params.user ?? '', body.paths);
      return subuserItem(scoped.subuser, scoped.user, await roleRef(app.db, scoped.subuser));
    },
  }),
  route({
    method: 'DELETE', path: `${base}/users/:user`, need: 'user.delete',
    handler: async ({ app, actor, access, params }) => {
      await deleteSubuser(app, actor, access, params.user ?? '');
    },
  }),
  route({
    method: 'POST', path: `${base}/users/:user/resend`, need: 'user.create', body: resendInviteBody,
    handler: async ({ app, actor, access, params, body }) => {
      const resent = await resendInvite(app, actor, access, params.user ?? '', body.invite_ttl_hours);
      return subuserItem(resent.subuser, resent.user, await roleRef(app.db, resent.subuser));
    },
  }),
  route({
    method: 'POST', path: `${base}/leave`, need: 'subuser',
    handler: async ({ app, actor, access }) => {
      await leaveServer(app, actor, access);
    },
  }),
];
