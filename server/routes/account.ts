import { z } from 'zod';
import { route } from '../http/manifest';
import { disableTwoFactor } from '../services/account/disable-two-factor';
import { enableTwoFactor } from '../services/account/enable-two-factor';
import { startTwoFactor } from '../services/account/start-two-factor';
import { accountItem } from '../services/account/transformers';
import { updateAccountEmail } from '../services/account/update-account-email';
import { updateAccountPassword } from '../services/account/update-account-password';

const password = z.string().min(1).max(1024);
const emailBody = z.object({ email: z.email({ error: 'must be a valid email address' }).max(191), password });
const passwordBody = z.object({
  current_password: password,
  password: z.string().min(8, 'must be at least 8 characters').max(1024),
  password_confirmation: z.string().max(1024),
}).refine((b) => b.password === b.password_confirmation, { path: ['password_confirmation'], message: 'does not match the password' });
// A linked account (DESIGN §23) has no password to give: requirePassword asks for one only where one exists.
const optionalPassword = z.string().max(1024).default('');
const enableBody = z.object({ code: z.string().min(1).max(16), password: optionalPassword });
const disableBody = z.object({ password: optionalPassword });

const disable = route({
  method: 'DELETE', path: '/api/client/account/two-factor', need: 'auth', body: disableBody,
  handler: async ({ app, actor, body }) => { await disableTwoFactor(app, actor, body); },
});

/** The signed-in user's own account (DESIGN §5): details, email, password, two-factor. */
export const accountRoutes = [
  route({
    method: 'GET', path: '/api/client/account', need: 'auth', enrolment: true,
    handler: async ({ actor }) => accountItem(actor.user),
  }),
  route({
    method: 'PUT', path: '/api/client/account/email', need: 'auth', body: emailBody,
    example: { body: { email: 'changed@example.com', password: 'wrong password' } },
    handler: async ({ app, actor, body }) => { await updateAccountEmail(app, actor, body); },
  }),
  route({
    method: 'PUT', path: '/api/client/account/password', need: 'auth', body: passwordBody,
    example: { body: { current_password: 'wrong password', password: 'a new password', password_confirmation: 'a new password' } },
    handler: async ({ app, actor, req, body }) => { await updateAccountPassword(app, actor, req, body); },
  }),
  route({
    method: 'GET', path: '/api/client/account/two-factor', need: 'auth', enrolment: true,
    handler: async ({ app, actor }) => {
      const enrolment = await startTwoFactor(app, actor);
      return { data: { image_url_data: enrolment.qrDataUrl, secret: enrolment.secret, otpauth_url: enrolment.uri } };
    },
  }),
  route({
    method: 'POST', path: '/api/client/account/two-factor', need: 'auth', body: enableBody, enrolment: true,
    example: { body: { code: '000000', password: 'wrong password' } },
    handler: async ({ app, actor, body }) => ({
      object: 'recovery_tokens', attributes: { tokens: await enableTwoFactor(app, actor, body) },
    }),
  }),
  disable,
  // Pterodactyl 1.11+ disables with a POST (its SPA cannot send a body with DELETE); same use-case.
  route({ ...disable, method: 'POST', path: '/api/client/account/two-factor/disable' }),
];
