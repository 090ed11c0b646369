import { registerPermissionCategory, type HostCategory, type Permission } from '@contracts/permissions';
import { route, type AnyRoute } from '@server/http/manifest';

/**
 * A host panel's own permission category and routes (DESIGN §23), as a Pelican plugin adds its own: registered when
 * this module loads, so the matrix proves the host's keys through the same guard as Cohost's own.
 */
export const HOST_CATEGORIES: Readonly<Record<string, HostCategory>> = {
  modpack: {
    description: 'Permissions of the host panel\'s modpack installer.',
    keys: {
      read: { description: 'Allows a user to see the modpacks installed on this server.' },
      install: { description: 'Allows a user to install a modpack, replacing server files.', sensitive: true },
    },
  },
};
for (const [name, def] of Object.entries(HOST_CATEGORIES)) registerPermissionCategory(name, def);

export const HOST_ROUTES: readonly AnyRoute[] = [
  route({
    method: 'GET', path: '/api/client/servers/:server/modpacks', need: 'modpack.read' as Permission,
    handler: async ({ access }) => ({ object: 'list', data: [], meta: { server: access.server.uuid } }),
  }),
  route({
    method: 'POST', path: '/api/client/servers/:server/modpacks/install', need: 'modpack.install' as Permission,
    handler: async () => ({ object: 'modpack_install', attributes: { queued: true } }),
  }),
];
