import type { Executor } from '@db/client';
import type { Clock } from '../../context';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';

/** Every admin event name starts with this: the audit log is the activity log's `admin:` slice (DESIGN §21). */
export const ADMIN_EVENT_PREFIX = 'admin:';

/**
 * Records one admin action in the transaction of the change (actor, IP, user agent, API key and, during an
 * impersonation, the impersonator come from the actor). `properties` carries the structured diff: `{old, new}` with
 * only the fields that changed, plus what the action was about (`user`, `server`, `role`, …).
 */
export async function logAdminAction(db: Executor, clock: Clock, actor: Actor | null, event: string,
  properties: Record<string, unknown>, serverId: number | null = null): Promise<void> {
  await logActivity(db, clock, { event: `${ADMIN_EVENT_PREFIX}${event}`, actor, properties, serverId });
}

/** The fields that differ between two records, as `{old, new}` (keys sorted); null when nothing changed. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): { old: Record<string, unknown>; new: Record<string, unknown> } | null {
  const old: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  for (const key of Object.keys(after).sort()) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    old[key] = before[key] ?? null;
    next[key] = after[key] ?? null;
  }
  return Object.keys(next).length ? { old, new: next } : null;
}
