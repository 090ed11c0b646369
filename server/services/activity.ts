import { insertActivity } from '@db/repositories/activity';
import type { Executor } from '@db/client';
import type { Clock } from '../context';
import type { Actor } from '../http/types';

export interface ActivityEntry {
  readonly event: string;
  readonly actor: Actor | null;
  readonly serverId?: number | null;
  readonly properties?: Record<string, unknown>;
}

/**
 * Writes one activity row (DESIGN §9). Pass the transaction of the change it describes, so both commit together.
 */
export async function logActivity(db: Executor, clock: Clock, entry: ActivityEntry): Promise<void> {
  await insertActivity(db, {
    event: entry.event,
    actorId: entry.actor?.user.id ?? null,
    impersonatorId: entry.actor?.impersonator?.id ?? null,
    apiKeyId: entry.actor?.apiKey?.id ?? null,
    serverId: entry.serverId ?? null,
    ip: entry.actor?.ip ?? null,
    userAgent: entry.actor?.userAgent ?? null,
    properties: entry.properties ?? {},
    timestamp: clock.now(),
  });
}
