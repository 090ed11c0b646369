import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { insertNode } from '@db/repositories/nodes';
import type { Executor } from '@db/client';
import { fromZod } from '../http/errors';
import { sha256 } from '../auth/api-key-token';

const input = z.object({
  name: z.string().min(1).max(191),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(255),
});

/**
 * Registers a Wings node. Its token (`<token_id>.<secret>`, what Wings sends as `Authorization: Bearer …`) is
 * returned once; only the secret's sha256 is stored.
 */
export async function createNode(db: Executor, raw: z.input<typeof input>, now: Date) {
  const parsed = input.safeParse(raw);
  if (!parsed.success) throw fromZod(parsed.error);
  const tokenId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const node = await insertNode(db, {
    uuid: randomUUID(), name: parsed.data.name, url: parsed.data.url, tokenId, tokenHash: sha256(secret), createdAt: now,
  });
  return { node, token: `${tokenId}.${secret}` };
}
