import { z } from 'zod';
import { listUsersForAdmin } from '@db/repositories/admin-users';
import { roleNamesOfUsers } from '@db/repositories/admin-roles';
import { reply, route } from '../../http/manifest';
import { createAdminUser } from '../../services/admin/users/create-admin-user';
import { deleteAdminUser } from '../../services/admin/users/delete-admin-user';
import { findTargetUser } from '../../services/admin/users/find-target';
import { impersonateUser } from '../../services/admin/users/impersonate-user';
import { resetTwoFactor } from '../../services/admin/users/reset-two-factor';
import { suspendAdminUser } from '../../services/admin/users/suspend-admin-user';
import { updateAdminUser } from '../../services/admin/users/update-admin-user';
import { setUserRoles } from '../../services/admin/roles/set-user-roles';
import { adminRoleItem, applicationUserItem, paginated } from '../../services/admin/transformers';
import { newUserInput } from '../../services/create-user';
import { boolFilter, pageQuery } from './query';

const listQuery = z.object({
  ...pageQuery,
  search: z.string().max(191).optional(),
  'filter[email]': z.string().max(191).optional(),
  'filter[admin]': boolFilter,
  'filter[suspended]': boolFilter,
  'filter[deleted]': boolFilter,
});
const createBody = z.object({
  email: newUserInput.shape.email, username: newUserInput.shape.username,
  password: newUserInput.shape.password.optional(), root_admin: z.boolean().optional(),
  first_name: z.string().max(191).optional(), last_name: z.string().max(191).optional(),
});
const updateBody = z.object({
  email: newUserInput.shape.email.optional(), username: newUserInput.shape.username.optional(),
  password: newUserInput.shape.password.optional(), root_admin: z.boolean().optional(), require_two_factor: z.boolean().optional(),
  first_name: z.string().max(191).optional(), last_name: z.string().max(191).optional(),
});
const rolesBody = z.object({ roles: z.array(z.number().int().positive()).max(50) });

const P = '/api/application/users';

/** Users under the admin API (DESIGN §21), in Pterodactyl's application shapes. */
export const adminUserRoutes = [
  route({
    method: 'GET', path: P, need: 'admin:users.view', query: listQuery,
    handler: async ({ app, query }) => {
      const { rows, total } = await listUsersForAdmin(app.db, {
        search: query.search ?? query['filter[email]'], admin: query['filter[admin]'], suspended: query['filter[suspended]'], deleted: query['filter[deleted]'],
      }, { limit: query.per_page, offset: (query.page - 1) * query.per_page });
      const roles = await roleNamesOfUsers(app.db, rows.map((u) => u.id));
      return paginated(rows.map((u) => applicationUserItem(u, roles.get(u.id))), total, query.page, query.per_page);
    },
  }),
  route({
    method: 'GET', path: `${P}/:user`, need: 'admin:users.view',
    handler: async ({ app, params }) => {
      const user = await findTargetUser(app.db, params.user ?? '', { deletedToo: true });
      return applicationUserItem(user, (await roleNamesOfUsers(app.db, [user.id])).get(user.id));
    },
  }),
  route({
    method: 'POST', path: P, need: 'admin:users.create', body: createBody,
    handler: async ({ app, actor, body }) => {
      const { user, password } = await createAdminUser(app, actor, body);
      return reply(201, { ...applicationUserItem(user), meta: { temporary_password: password } });
    },
  }),
  route({
    method: 'PATCH', path: `${P}/:user`, need: 'admin:users.update', body: updateBody,
    handler: async ({ app, actor, params, body }) => {
      const target = await findTargetUser(app.db, params.user ?? '');
      return applicationUserItem(await updateAdminUser(app, actor, target.id, body));
    },
  }),
  route({
    method: 'DELETE', path: `${P}/:user`, need: 'admin:users.delete',
    handler: async ({ app, actor, params }) => {
      const target = await findTargetUser(app.db, params.user ?? '');
      const { jobs } = await deleteAdminUser(app, actor, target.id);
      return reply(202, { object: 'user_deletion', attributes: { user: target.uuid, jobs } });
    },
  }),
  route({
    method: 'POST', path: `${P}/:user/suspend`, need: 'admin:users.suspend',
    handler: async ({ app, actor, params }) => { await suspendAdminUser(app, actor, (await findTargetUser(app.db, params.user ?? '')).id, true); },
  }),
  route({
    method: 'POST', path: `${P}/:user/unsuspend`, need: 'admin:users.suspend',
    handler: async ({ app, actor, params }) => { await suspendAdminUser(app, actor, (await findTargetUser(app.db, params.user ?? '')).id, false); },
  }),
  route({
    method: 'POST', path: `${P}/:user/two-factor/reset`, need: 'admin:users.update',
    handler: async ({ app, actor, params }) => { await resetTwoFactor(app, actor, (await findTargetUser(app.db, params.user ?? '')).id); },
  }),
  route({
    method: 'PUT', path: `${P}/:user/roles`, need: 'admin:roles.update', body: rolesBody,
    handler: async ({ app, actor, params, body }) => {
      const target = await findTargetUser(app.db, params.user ?? '');
      const roles = await setUserRoles(app, actor, target.id, body.roles);
      return { object: 'list', data: roles.map((r) => adminRoleItem(r)) };
    },
  }),
  route({
    method: 'POST', path: `${P}/:user/impersonate`, need: 'admin:users.impersonate',
    handler: async ({ app, actor, params, req, res }) => {
      await impersonateUser(app, actor, await findTargetUser(app.db, params.user ?? ''), req, res);
    },
  }),
];
