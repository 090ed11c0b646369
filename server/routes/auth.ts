import { z } from 'zod';
import { TWO_FACTOR_ENROL_PATH, twoFactorBlock } from '@contracts/two-factor';
import type { UserRow } from '@db/schema/users';
import { checkpointIdentifier, loginIdentifier, loginLimiters } from '../auth/rate-limit';
import { endSession } from '../auth/session-login';
import { route } from '../http/manifest';
import { finishCheckpoint, pendingUser } from '../services/account/finish-checkpoint';
import { authenticationResponse } from '../services/passkeys/inputs';
import { finishPasswordlessSignIn, startPasswordlessSignIn, startSecondFactor } from '../services/passkeys/passkey-sign-in';
import { signIn } from '../services/account/sign-in';
import { userItem } from '../services/transformers';

const loginBody = z.object({ user: z.string().min(1).max(191), password: z.string().min(1).max(1024) });
const checkpointBody = z.object({
  confirmation_token: z.string().min(1).max(200),
  authentication_code: z.string().max(16).optional(),
  recovery_token: z.string().max(64).optional(),
  passkey: authenticationResponse.optional(),
}).refine((b) => [b.authentication_code, b.recovery_token, b.passkey].filter((v) => v !== undefined).length === 1, {
  path: ['authentication_code'], message: 'Provide one of authentication_code, recovery_token or passkey.',
});
const checkpointPasskeyBody = z.object({ confirmation_token: z.string().min(1).max(200) });
const passkeyBody = z.object({ credential: authenticationResponse });

/** Where the SPA goes after signing in: enrolment first when an admin requires 2FA the user does not have yet. */
const intended = (user: UserRow) => (twoFactorBlock(user) === 'account' ? TWO_FACTOR_ENROL_PATH : '/');

export const authRoutes = [
  route({
    method: 'POST', path: '/auth/login', need: 'public', body: loginBody,
    limiters: loginLimiters('login', loginIdentifier),
    example: { body: { user: 'nobody@example.com', password: 'wrong password' } },
    handler: async ({ app, req, res }) => {
      const result = await signIn(app, req, res);
      return result.complete
        ? { data: { complete: true, intended: intended(result.user), user: userItem(result.user).attributes } }
        : { data: { complete: false, confirmation_token: result.confirmationToken, methods: result.methods } };
    },
  }),
  route({
    method: 'POST', path: '/auth/login/checkpoint', need: 'public', body: checkpointBody,
    limiters: loginLimiters('checkpoint', checkpointIdentifier),
    example: { body: { confirmation_token: 'none', authentication_code: '000000' } },
    handler: async ({ app, req, res, body }) => {
      const user = await finishCheckpoint(app, req, res, body);
      return { data: { complete: true, intended: intended(user), user: userItem(user).attributes } };
    },
  }),
  // Passkeys (DESIGN §22): options for the second-factor step of a pending sign-in, answered at the checkpoint above.
  route({
    method: 'POST', path: '/auth/login/checkpoint/passkey', need: 'public', body: checkpointPasskeyBody,
    limiters: loginLimiters('checkpoint-passkey', checkpointIdentifier),
    example: { body: { confirmation_token: 'none' } },
    handler: async ({ app, req, body }) => ({ data: { options: await startSecondFactor(app, req, await pendingUser(app, req, body.confirmation_token)) } }),
  }),
  // A passwordless sign-in with a discoverable passkey: options, then the assertion.
  route({
    method: 'POST', path: '/auth/passkey/options', need: 'public',
    limiters: loginLimiters('passkey-options', () => null),
    handler: async ({ app, req }) => ({ data: { options: await startPasswordlessSignIn(app, req) } }),
  }),
  route({
    method: 'POST', path: '/auth/passkey', need: 'public', body: passkeyBody,
    limiters: loginLimiters('passkey', () => null),
    handler: async ({ app, req, res, body }) => {
      const user = await finishPasswordlessSignIn(app, req, res, body.credential);
      return { data: { complete: true, intended: intended(user), user: userItem(user).attributes } };
    },
  }),
  route({
    method: 'POST', path: '/auth/logout', need: 'session', enrolment: true,
    handler: async ({ req }) => {
      await endSession(req);
    },
  }),
];
