import { adminPermissionCatalogue } from '@contracts/admin-permissions';
import { findAdminRole, holdersOfRole, listAdminRoles } from '@db/repositories/admin-roles';
import { notFound } from '../../http/errors';
import { reply, route } from '../../http/manifest';
import { createAdminRole } from '../../services/admin/roles/create-admin-role';
import { deleteAdminRoleById } from '../../services/admin/roles/delete-admin-role';
import { roleInput } from '../../services/admin/roles/role-input';
import { updateAdminRoleById } from '../../services/admin/roles/update-admin-role';
import { adminRoleItem, applicationUserItem } from '../../services/admin/transformers';

const P = '/api/application/roles';
const idOf = (raw: string | undefined) => (raw && /^\d{1,18}$/.test(raw) ? Number(raw) : 0);

/** Admin roles (DESIGN §21): the catalogue, CRUD, and holders. */
export const adminRoleRoutes = [
  route({
    method: 'GET', path: '/api/application/permissions', need: 'admin:roles.view',
    handler: async () => adminPermissionCatalogue(),
  }),
  route({
    method: 'GET', path: P, need: 'admin:roles.view',
    handler: async ({ app }) => ({ object: 'list', data: (await listAdminRoles(app.db)).map((r) => adminRoleItem(r.role, r.holders)) }),
  }),
  route({
    method: 'GET', path: `${P}/:role`, need: 'admin:roles.view',
    handler: async ({ app, params }) => {
      const role = await findAdminRole(app.db, idOf(params.role));
      if (!role) throw notFound();
      const holders = await holdersOfRole(app.db, role.id);
      return { ...adminRoleItem(role, holders.length), meta: { holders: holders.map((u) => applicationUserItem(u)) } };
    },
  }),
  route({
    method: 'POST', path: P, need: 'admin:roles.create', body: roleInput,
    handler: async ({ app, actor, body }) => reply(201, adminRoleItem(await createAdminRole(app, actor, body))),
  }),
  route({
    method: 'PATCH', path: `${P}/:role`, need: 'admin:roles.update', body: roleInput,
    handler: async ({ app, actor, params, body }) => adminRoleItem(await updateAdminRoleById(app, actor, idOf(params.role), body)),
  }),
  route({
    method: 'DELETE', path: `${P}/:role`, need: 'admin:roles.delete',
    handler: async ({ app, actor, params }) => { await deleteAdminRoleById(app, actor, idOf(params.role)); },
  }),
];
