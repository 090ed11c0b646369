import { z } from 'zod';
import { route } from '../http/manifest';
import { addSshKey } from '../services/account/add-ssh-key';
import { apiKeyInput } from '../services/account/api-key-input';
import { createApiKey } from '../services/account/create-api-key';
import { deleteApiKey } from '../services/account/delete-api-key';
import { listOwnApiKeys, listOwnSshKeys } from '../services/account/list-credentials';
import { removeSshKey } from '../services/account/remove-ssh-key';
import { apiKeyItem, list, sshKeyItem } from '../services/account/transformers';

const sshKeyBody = z.object({ name: z.string().trim().min(1).max(191), public_key: z.string().min(1).max(16_384) });
const removeBody = z.object({ fingerprint: z.string().min(1).max(64) });

/** API keys (session only: a key cannot mint or delete keys) and SSH keys of the signed-in user (DESIGN §5). */
export const accountKeyRoutes = [
  route({
    method: 'GET', path: '/api/client/account/api-keys', need: 'session',
    handler: async ({ app, actor }) => list((await listOwnApiKeys(app, actor)).map(apiKeyItem)),
  }),
  route({
    method: 'POST', path: '/api/client/account/api-keys', need: 'session', body: apiKeyInput,
    example: { body: { description: 'matrix', allowed_ips: [] } },
    handler: async ({ app, actor, body }) => {
      const { key, token } = await createApiKey(app, actor, body);
      // The whole `ptlc_…` token, shown once: only its hash is kept.
      return { ...apiKeyItem(key), meta: { secret_token: token } };
    },
  }),
  route({
    method: 'DELETE', path: '/api/client/account/api-keys/:identifier', need: 'session',
    handler: async ({ app, actor, params }) => { await deleteApiKey(app, actor, params.identifier ?? ''); },
  }),
  route({
    method: 'GET', path: '/api/client/account/ssh-keys', need: 'auth',
    handler: async ({ app, actor }) => list((await listOwnSshKeys(app, actor)).map(sshKeyItem)),
  }),
  route({
    method: 'POST', path: '/api/client/account/ssh-keys', need: 'auth', body: sshKeyBody,
    example: { body: { name: 'laptop', public_key: 'not a key' } },
    handler: async ({ app, actor, body }) => sshKeyItem(await addSshKey(app, actor, body)),
  }),
  route({
    method: 'POST', path: '/api/client/account/ssh-keys/remove', need: 'auth', body: removeBody,
    example: { body: { fingerprint: 'SHA256:none' } },
    handler: async ({ app, actor, body }) => { await removeSshKey(app, actor, body.fingerprint); },
  }),
];
