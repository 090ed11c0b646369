import { z } from 'zod';
import { insertActivity } from '@db/repositories/activity';
import { route } from '../http/manifest';
import { checkCredentials, establishSession } from '../services/login';
import { userItem } from '../services/transformers';

const loginBody = z.object({ user: z.string().min(1).max(191), password: z.string().min(1).max(1024) });

export const authRoutes = [
  route({
    method: 'POST', path: '/auth/login', need: 'public', body: loginBody,
    handler: async ({ app, req, body }) => {
      const user = await checkCredentials(app, req, body.user, body.password);
      await establishSession(req, user);
      await insertActivity(app.db, {
        event: 'auth:login', actorId: user.id, ip: req.ip ?? null,
        userAgent: (req.get('user-agent') ?? '').slice(0, 500), properties: {}, timestamp: app.clock.now(),
      });
      return { data: { complete: true, intended: '/', user: userItem(user).attributes } };
    },
  }),
  route({
    method: 'POST', path: '/auth/logout', need: 'session',
    handler: async ({ req }) => {
      await new Promise<void>((resolve, reject) => req.session.destroy((e) => (e ? reject(e) : resolve())));
    },
  }),
];
