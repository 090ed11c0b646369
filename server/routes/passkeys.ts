import { z } from 'zod';
import { route } from '../http/manifest';
import { list } from '../services/account/transformers';
import { finishPasskeyRegistration } from '../services/passkeys/finish-passkey-registration';
import { passkeyName, registrationResponse } from '../services/passkeys/inputs';
import { listOwnPasskeys, removeOwnPasskey, renameOwnPasskey } from '../services/passkeys/manage-passkeys';
import { relyingParty } from '../services/passkeys/relying-party';
import { startPasskeyRegistration } from '../services/passkeys/start-passkey-registration';
import { setServerTwoFactorPolicy } from '../services/passkeys/set-server-require-two-factor';
import { passkeyItem } from '../services/passkeys/transformers';

const password = z.string().min(1).max(1024);
const base = '/api/client/account/passkeys';

/**
 * Passkeys of the signed-in user (DESIGN §22), through a session only (a key cannot enrol or remove one), and the
 * owner's 2FA policy for a server. Enrolment routes stay open to a user an admin requires to enrol.
 */
export const passkeyRoutes = [
  route({
    method: 'GET', path: base, need: 'session', enrolment: true,
    handler: async ({ app, actor, req }) => {
      const rp = relyingParty(app, req);
      return {
        ...list((await listOwnPasskeys(app, actor)).map(passkeyItem)),
        meta: rp.enabled ? { enabled: true, rp_id: rp.rpID } : { enabled: false, reason: rp.reason },
      };
    },
  }),
  route({
    method: 'POST', path: `${base}/options`, need: 'session', enrolment: true, body: z.object({ password }),
    example: { body: { password: 'wrong password' } },
    handler: async ({ app, actor, req, body }) => ({ data: { options: await startPasskeyRegistration(app, actor, req, body) } }),
  }),
  route({
    method: 'POST', path: base, need: 'session', enrolment: true,
    body: z.object({ name: passkeyName, credential: registrationResponse }),
    handler: async ({ app, actor, req, body }) => passkeyItem(await finishPasskeyRegistration(app, actor, req, body)),
  }),
  route({
    method: 'PUT', path: `${base}/:passkey`, need: 'session', body: z.object({ name: passkeyName }),
    handler: async ({ app, actor, params, body }) => passkeyItem(await renameOwnPasskey(app, actor, params.passkey ?? '', body.name)),
  }),
  route({
    method: 'DELETE', path: `${base}/:passkey`, need: 'session', body: z.object({ password }),
    handler: async ({ app, actor, params, body }) => { await removeOwnPasskey(app, actor, params.passkey ?? '', body); },
  }),
  route({
    method: 'POST', path: '/api/client/servers/:server/settings/require-2fa', need: 'owner',
    body: z.object({ enabled: z.boolean() }),
    handler: async ({ app, actor, access, body }) => { await setServerTwoFactorPolicy(app, actor, access, body.enabled); },
  }),
];

