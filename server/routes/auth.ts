import { z } from 'zod';
import { checkpointIdentifier, loginIdentifier, loginLimiters } from '../auth/rate-limit';
import { endSession } from '../auth/session-login';
import { route } from '../http/manifest';
import { finishCheckpoint } from '../services/account/finish-checkpoint';
import { signIn } from '../services/account/sign-in';
import { userItem } from '../services/transformers';

const loginBody = z.object({ user: z.string().min(1).max(191), password: z.string().min(1).max(1024) });
const checkpointBody = z.object({
  confirmation_token: z.string().min(1).max(200),
  authentication_code: z.string().max(16).optional(),
  recovery_token: z.string().max(64).optional(),
}).refine((b) => (b.authentication_code === undefined) !== (b.recovery_token === undefined), {
  path: ['authentication_code'], message: 'Provide either authentication_code or recovery_token.',
});

export const authRoutes = [
  route({
    method: 'POST', path: '/auth/login', need: 'public', body: loginBody,
    limiters: loginLimiters('login', loginIdentifier),
    example: { body: { user: 'nobody@example.com', password: 'wrong password' } },
    handler: async ({ app, req, res }) => {
      const result = await signIn(app, req, res);
      return result.complete
        ? { data: { complete: true, intended: '/', user: userItem(result.user).attributes } }
        : { data: { complete: false, confirmation_token: result.confirmationToken } };
    },
  }),
  route({
    method: 'POST', path: '/auth/login/checkpoint', need: 'public', body: checkpointBody,
    limiters: loginLimiters('checkpoint', checkpointIdentifier),
    example: { body: { confirmation_token: 'none', authentication_code: '000000' } },
    handler: async ({ app, req, res, body }) => {
      const user = await finishCheckpoint(app, req, res, body);
      return { data: { complete: true, intended: '/', user: userItem(user).attributes } };
    },
  }),
  route({
    method: 'POST', path: '/auth/logout', need: 'session',
    handler: async ({ req }) => {
      await endSession(req);
    },
  }),
];
