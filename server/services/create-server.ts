import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { findServerByRef, insertServer } from '@db/repositories/servers';
import { findUserByEmail } from '@db/repositories/users';
import type { Executor } from '@db/client';
import type { ServerRow } from '@db/schema/servers';
import { fromZod, validationError } from '../http/errors';
import { claimFreeAllocation } from './network/assign-allocation';

export const newServerInput = z.object({
  owner: z.email({ error: 'must be a valid email address' }),
  name: z.string().min(1).max(191),
  command: z.string().min(1).max(4096),
  description: z.string().max(2000).optional(),
});

/**
 * Creates a server owned by an existing account; its identifier is the uuid's first block. It gets a primary
 * allocation from its node's free ports when there is one; without one it is created all the same (no
 * SERVER_IP/SERVER_PORT) and its first assigned allocation becomes the primary (docs/network.md).
 */
export async function createServer(db: Executor, input: z.input<typeof newServerInput>, now: Date): Promise<ServerRow> {
  const parsed = newServerInput.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error);
  const owner = await findUserByEmail(db, parsed.data.owner);
  if (!owner || owner.status !== 'active') throw validationError('owner', `No account exists with the email ${parsed.data.owner}.`, 'exists');
  let uuid = randomUUID();
  while (await findServerByRef(db, uuid.slice(0, 8))) uuid = randomUUID();
  return db.transaction(async (tx) => {
    const server = await insertServer(tx, {
      uuid, identifier: uuid.slice(0, 8), name: parsed.data.name, description: parsed.data.description ?? null,
      ownerId: owner.id, startupCommand: parsed.data.command, createdAt: now, updatedAt: now,
    });
    await claimFreeAllocation(tx, server, now);
    return server;
  });
}
