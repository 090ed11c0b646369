import type { Request } from 'express';
import { insertActivity } from '@db/repositories/activity';
import type { Executor } from '@db/client';
import type { UserRow } from '@db/schema/users';
import type { Clock } from '../../context';
import type { Actor } from '../../http/types';

/** The actor a sign-in step acts as, before a session exists: the user it names, with the request's IP and agent. */
export function requestActor(req: Request, user: UserRow): Actor {
  return { user, apiKey: null, ip: req.ip ?? '', userAgent: (req.get('user-agent') ?? '').slice(0, 500) };
}

/** An `auth:*` row; the user may be unknown (a failed sign-in naming nobody), the IP and agent are always kept. */
export async function logAuthEvent(db: Executor, clock: Clock, req: Request, event: string, user: UserRow | null,
  properties: Record<string, unknown> = {}): Promise<void> {
  await insertActivity(db, {
    event, actorId: user?.id ?? null, ip: req.ip ?? null, userAgent: (req.get('user-agent') ?? '').slice(0, 500),
    properties, timestamp: clock.now(),
  });
}
