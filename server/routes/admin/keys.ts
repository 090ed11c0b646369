import { reply, route } from '../../http/manifest';
import { adminPermissionsOf } from '../../services/admin/admin-permissions-of';
import { applicationKeyInput, createApplicationKey, deleteApplicationKey, listApplicationKeys } from '../../services/admin/keys/application-keys';
import { applicationKeyItem } from '../../services/admin/transformers';
import { stopImpersonating } from '../../services/admin/users/impersonate-user';

const P = '/api/application/api-keys';

/**
 * Application (`ptla_`) keys of the signed-in admin (session only: a key cannot mint keys), and the two account
 * routes the admin UI reads: what the caller may do in the admin area, and the way out of an impersonation.
 */
export const adminKeyRoutes = [
  route({
    method: 'GET', path: P, need: 'admin:api-keys.manage',
    handler: async ({ app, actor }) => ({ object: 'list', data: (await listApplicationKeys(app, actor)).map(applicationKeyItem) }),
  }),
  route({
    method: 'POST', path: P, need: 'admin:api-keys.manage', body: applicationKeyInput,
    example: { body: { description: 'matrix' } },
    handler: async ({ app, actor, body }) => {
      const { key, token } = await createApplicationKey(app, actor, body);
      return reply(201, { ...applicationKeyItem(key), meta: { secret_token: token } });
    },
  }),
  route({
    method: 'DELETE', path: `${P}/:identifier`, need: 'admin:api-keys.manage',
    handler: async ({ app, actor, params }) => { await deleteApplicationKey(app, actor, params.identifier ?? ''); },
  }),
  route({
    method: 'GET', path: '/api/client/account/admin', need: 'auth', enrolment: true,
    handler: async ({ app, actor }) => ({
      object: 'admin_access',
      attributes: {
        is_admin: actor.user.rootAdmin,
        permissions: actor.apiKey ? [] : await adminPermissionsOf(app.db, actor.user),
        impersonator: actor.impersonator ? { uuid: actor.impersonator.uuid, email: actor.impersonator.email, username: actor.impersonator.username } : null,
      },
    }),
  }),
  route({
    method: 'POST', path: '/api/client/account/impersonation/stop', need: 'session', enrolment: true,
    handler: async ({ app, actor, req, res }) => {
      const admin = await stopImpersonating(app, actor, req, res);
      return { object: 'user', attributes: { uuid: admin.uuid, email: admin.email } };
    },
  }),
];
