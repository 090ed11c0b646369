import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { findServerByRef, insertServer } from '@db/repositories/servers';
import { saveServerStartup } from '@db/repositories/startup';
import { findUserByEmail } from '@db/repositories/users';
import type { Executor } from '@db/client';
import type { ServerRow } from '@db/schema/servers';
import { fromZod, validationError } from '../http/errors';
import { GENERIC_SOFTWARE, resolveSoftware } from './startup/bundled';
import { claimFreeAllocation } from './network/assign-allocation';

export const newServerInput = z.object({
  owner: z.email({ error: 'must be a valid email address' }),
  name: z.string().min(1).max(191),
  /** The startup command; without it, the software's own. */
  command: z.string().min(1).max(4096).optional(),
  /** A software definition id; without it, the generic command runner (DESIGN §14). */
  software: z.string().min(1).max(64).optional(),
  description: z.string().max(2000).optional(),
  /** The Wings node it lives on (DESIGN §19); absent = this host. */
  nodeId: z.number().int().positive().nullable().optional(),
  /** Taking over a server a Wings node already runs: its uuid there. */
  uuid: z.uuid({ error: 'must be a UUID' }).optional(),
}).refine((v) => v.command !== undefined || v.software !== undefined, { message: 'Give a command or a software.', path: ['command'] });

/**
 * Creates a server owned by an existing account; its identifier is the uuid's first block. With a software, the
 * server gets its startup, first image and defaults, and its install is queued (the panel runs it: pending-installs).
 * It gets a primary allocation from its node's free ports when there is one; without one it is created all the same
 * (no SERVER_IP/SERVER_PORT) and its first assigned allocation becomes the primary (docs/network.md).
 */
export async function createServer(db: Executor, input: z.input<typeof newServerInput>, now: Date): Promise<ServerRow> {
  const parsed = newServerInput.safeParse(input);
  if (!parsed.success) throw fromZod(parsed.error);
  const owner = await findUserByEmail(db, parsed.data.owner);
  if (!owner || owner.status !== 'active') throw validationError('owner', `No account exists with the email ${parsed.data.owner}.`, 'exists');
  const softwareId = parsed.data.software ?? GENERIC_SOFTWARE;
  const definition = await resolveSoftware(db, softwareId, now);
  if (!definition) throw validationError('software', `No software "${softwareId}" exists on this panel.`, 'exists');
  let uuid = parsed.data.uuid?.toLowerCase() ?? randomUUID();
  if (parsed.data.uuid && await findServerByRef(db, uuid.slice(0, 8))) throw validationError('uuid', 'A server with this uuid (or its short id) already exists.', 'unique');
  while (await findServerByRef(db, uuid.slice(0, 8))) uuid = randomUUID();
  return db.transaction(async (tx) => {
    const server = await insertServer(tx, {
      uuid, identifier: uuid.slice(0, 8), name: parsed.data.name, description: parsed.data.description ?? null,
      ownerId: owner.id, nodeId: parsed.data.nodeId ?? null, startupCommand: parsed.data.command ?? definition.startup, createdAt: now, updatedAt: now,
    });
    await saveServerStartup(tx, {
      serverId: server.id, softwareId, dockerImage: Object.values(definition.docker_images)[0] ?? '', updatedAt: now,
      installPending: parsed.data.software !== undefined,
    });
    await claimFreeAllocation(tx, server, now);
    return server;
  });
}
