import { z } from 'zod';
import { reply, route } from '../http/manifest';
import { recordRemoteActivity } from '../services/nodes/remote-activity';
import { reportRemoteBackup, reportRemoteRestore } from '../services/nodes/remote-backups';
import { getRemoteInstall, getRemoteServer, listRemoteServers, reportRemoteInstall, resetRemoteServers } from '../services/nodes/remote-servers';
import { authorizeRemoteSftp } from '../services/authorize-remote-sftp';

// NODE_ONLY: Without a node token every request is refused (403); the matrix only checks the route is reachable.
const anyUuid = '00000000-0000-4000-8000-000000000000';

/**
 * Routes Wings nodes call on the panel (DESIGN §19), authenticated by the node token (`Bearer {token_id}.{token}`),
 * not by a user: each answers only about the calling node's own servers (another node's server is a 404).
 */
export const remoteRoutes = [
  route({
    method: 'GET', path: '/api/remote/servers', need: 'public',
    query: z.object({ page: z.coerce.number().int().min(1).default(1), per_page: z.coerce.number().int().min(1).max(100).default(50) }),
    example: {}, handler: async ({ app, req, query }) => listRemoteServers(app, req, query),
  }),
  route({
    method: 'POST', path: '/api/remote/servers/reset', need: 'public', example: {},
    handler: async ({ app, req }) => { await resetRemoteServers(app, req); },
  }),
  route({
    method: 'GET', path: '/api/remote/servers/:uuid', need: 'public', example: {},
    handler: async ({ app, req, params }) => getRemoteServer(app, req, params.uuid ?? anyUuid),
  }),
  route({
    method: 'GET', path: '/api/remote/servers/:uuid/install', need: 'public', example: {},
    handler: async ({ app, req, params }) => getRemoteInstall(app, req, params.uuid ?? anyUuid),
  }),
  route({
    method: 'POST', path: '/api/remote/servers/:uuid/install', need: 'public',
    body: z.object({ successful: z.boolean(), reinstall: z.boolean().default(false) }),
    example: { body: { successful: true, reinstall: false } },
    handler: async ({ app, req, params, body }) => { await reportRemoteInstall(app, req, params.uuid ?? anyUuid, body); },
  }),
  route({
    method: 'POST', path: '/api/remote/backups/:uuid', need: 'public',
    body: z.object({ successful: z.boolean(), checksum: z.string().max(191).nullish(), checksum_type: z.string().max(16).optional(), size: z.number().int().min(0).optional() }),
    example: { body: { successful: true, checksum: 'abc', checksum_type: 'sha1', size: 1 } },
    handler: async ({ app, req, params, body }) => { await reportRemoteBackup(app, req, params.uuid ?? anyUuid, body); },
  }),
  route({
    method: 'POST', path: '/api/remote/backups/:uuid/restore', need: 'public',
    body: z.object({ successful: z.boolean() }), example: { body: { successful: true } },
    handler: async ({ app, req, params, body }) => { await reportRemoteRestore(app, req, params.uuid ?? anyUuid, body); },
  }),
  route({
    method: 'POST', path: '/api/remote/activity', need: 'public',
    body: z.object({
      data: z.array(z.object({
        user: z.uuid().nullish(), server: z.uuid(), event: z.string().min(1).max(191),
        metadata: z.record(z.string(), z.unknown()).nullish(), ip: z.string().max(45).nullish(), timestamp: z.string().max(64),
      })).max(500),
    }),
    example: { body: { data: [] } },
    handler: async ({ app, req, body }) => reply(200, await recordRemoteActivity(app, req, body.data)),
  }),
  route({
    method: 'POST', path: '/api/remote/sftp/auth', need: 'public',
    body: z.object({
      type: z.enum(['password', 'public_key']).default('password'),
      username: z.string().min(1).max(255),
      password: z.string().min(1).max(8192),
      ip: z.string().max(45).optional(),
      session_id: z.string().max(255).optional(),
      client_version: z.string().max(255).optional(),
    }),
    // See NODE_ONLY.
    example: { body: { type: 'password', username: 'nobody.00000000', password: 'x', ip: '127.0.0.1' } },
    handler: async ({ app, req, body }) => authorizeRemoteSftp(app, req, body),
  }),
];
