import { z } from 'zod';
import { route } from '../http/manifest';
import { authorizeRemoteSftp } from '../services/authorize-remote-sftp';

/** Routes Wings nodes call on the panel (authenticated by the node token, not by a user). */
export const remoteRoutes = [
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
    // Without a node token every request is refused (403); the matrix only checks the route is reachable.
    example: { body: { type: 'password', username: 'nobody.00000000', password: 'x', ip: '127.0.0.1' } },
    handler: async ({ app, req, body }) => authorizeRemoteSftp(app, req, body),
  }),
];
