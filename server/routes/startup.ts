import { route, reply } from '../http/manifest';
import { getStartup } from '../services/startup/get-startup';
import { reinstallServer } from '../services/startup/reinstall-server';
import { renameBody, renameServer } from '../services/startup/rename-server';
import { switchSoftware, switchSoftwareBody } from '../services/startup/switch-software';
import { dockerImageBody, updateDockerImage } from '../services/startup/update-docker-image';
import { startupCommandBody, updateStartupCommand } from '../services/startup/update-startup-command';
import { updateVariable, updateVariableBody } from '../services/startup/update-variable';

const S = '/api/client/servers/:server';

/** Startup, software and settings (DESIGN §14), with Pterodactyl's paths and status codes. */
export const startupRoutes = [
  route({
    method: 'GET', path: `${S}/startup`, need: 'startup.read',
    handler: async ({ app, access }) => getStartup(app, access),
  }),
  route({
    method: 'PUT', path: `${S}/startup/variable`, need: 'startup.update', body: updateVariableBody,
    handler: async ({ app, actor, access, body }) => updateVariable(app, actor, access, body),
  }),
  route({
    method: 'PUT', path: `${S}/startup/command`, need: 'startup.command', body: startupCommandBody,
    example: { body: { startup: 'node sample-game-server.mjs' } },
    handler: async ({ app, actor, access, body }) => updateStartupCommand(app, actor, access, body.startup),
  }),
  route({
    method: 'PUT', path: `${S}/startup/software`, need: 'startup.software', body: switchSoftwareBody,
    example: { body: { software: 'generic', keep_files: true } },
    handler: async ({ app, actor, access, body }) => {
      await switchSoftware(app, actor, access, body);
      return reply(202, {});
    },
  }),
  route({
    method: 'PUT', path: `${S}/settings/docker-image`, need: 'startup.docker-image', body: dockerImageBody,
    example: { body: { docker_image: 'ghcr.io/pterodactyl/yolks:debian' } },
    handler: async ({ app, actor, access, body }) => { await updateDockerImage(app, actor, access, body.docker_image); },
  }),
  route({
    method: 'POST', path: `${S}/settings/rename`, need: 'settings.rename', body: renameBody,
    example: { body: { name: 'Renamed by the matrix', description: 'A description' } },
    handler: async ({ app, actor, access, body }) => { await renameServer(app, actor, access, body); },
  }),
  route({
    method: 'POST', path: `${S}/settings/reinstall`, need: 'settings.reinstall',
    handler: async ({ app, actor, access }) => {
      await reinstallServer(app, actor, access);
      return reply(202, {});
    },
  }),
];
