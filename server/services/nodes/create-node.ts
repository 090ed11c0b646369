import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { findNodeByTokenId, insertNode } from '@db/repositories/nodes';
import type { Executor } from '@db/client';
import { fromZod, validationError } from '../../http/errors';
import { sha256 } from '../../auth/api-key-token';
import { encryptNodeToken } from './node-token';

/** A node's address: scheme, host and port (its daemon), no path. */
export const nodeUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(255)
  .refine((u) => { const p = new URL(u).pathname; return p === '/' || p === ''; }, 'must be the node\'s scheme, host and port, without a path');

const input = z.object({
  name: z.string().min(1).max(191),
  url: nodeUrl,
  /** An existing Wings node's `token_id` and `token` (its config.yml); both absent → new ones are made. */
  tokenId: z.string().regex(/^[A-Za-z0-9]{16}$/, 'must be the 16 letters and digits of the node\'s token_id').optional(),
  token: z.string().regex(/^[A-Za-z0-9_-]{32,128}$/, 'must be the node\'s token (32–128 letters, digits, - or _)').optional(),
}).refine((v) => (v.tokenId === undefined) === (v.token === undefined), { message: 'Give both --token-id and --token, or neither.', path: ['token'] });

/**
 * Registers a Wings node. Taking over an existing node: give its `token_id` and `token` (from its config.yml), so
 * it keeps working unchanged. Otherwise a new pair is made and returned once, for the node's configuration. The
 * secret is stored encrypted (to call the node and sign its JWTs) and as a sha256 (to check the node's calls).
 */
export async function createNode(db: Executor, appKey: string, raw: z.input<typeof input>, now: Date) {
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const tokenId = parsed.data.tokenId ?? randomBytes(8).toString('hex');
  const secret = parsed.data.token ?? randomBytes(32).toString('base64url');
  if (await findNodeByTokenId(db, tokenId)) throw validationError('token_id', 'A node with this token_id is already registered.', 'unique');
  const node = await insertNode(db, {
    uuid: randomUUID(), name: parsed.data.name, url: new URL(parsed.data.url).origin, tokenId, tokenHash: sha256(secret),
    tokenEncrypted: encryptNodeToken(appKey, secret), createdAt: now,
  });
  return { node, token: `${tokenId}.${secret}`, tokenId, secret };
}
