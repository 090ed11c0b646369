import { ERROR_CODES } from '@contracts/errors';
import type { Clock } from '../context';
import { HttpError } from './errors';

/** The per-server throttles of Pterodactyl 1.12 (DESIGN §12): at most `limit` hits per `windowSeconds`. */
export const SERVER_THROTTLES = {
  'backup.create': { limit: 2, windowSeconds: 600 },
  'backup.restore': { limit: 3, windowSeconds: 900 },
  'database.create': { limit: 2, windowSeconds: 60 },
  'schedule.create': { limit: 2, windowSeconds: 60 },
  'allocation.create': { limit: 2, windowSeconds: 60 },
  'subuser.create': { limit: 10, windowSeconds: 900 },
} as const;
export type ServerThrottleName = keyof typeof SERVER_THROTTLES;

/** Overrides read from `SERVER_THROTTLES` (`name=limit/seconds,…`), validated at start by the config schema. */
export type ThrottleOverrides = Partial<Record<ServerThrottleName, { limit: number; windowSeconds: number }>>;

/**
 * Sliding-window counters per (throttle, server), kept by the composition root (one per panel instance; issue 23
 * moves them to Redis when `REDIS_URL` is set). Called by services after the access check, so strangers cannot
 * spend a server's allowance.
 */
export class ServerThrottles {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly clock: Clock, private readonly overrides: ThrottleOverrides = {}) {}

  /** Counts one hit, or throws 429 with `Retry-After` when the server is over the limit. */
  hit(name: ServerThrottleName, serverId: number): void {
    const { limit, windowSeconds } = this.overrides[name] ?? SERVER_THROTTLES[name];
    const now = this.clock.now().getTime();
    const key = `${name}:${serverId}`;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - windowSeconds * 1000);
    if (recent.length >= limit) {
      const retry = Math.max(1, Math.ceil(((recent[0] ?? now) + windowSeconds * 1000 - now) / 1000));
      this.hits.set(key, recent);
      throw new HttpError(429, ERROR_CODES.tooMany, `Too many requests, please try again in ${retry} seconds.`,
        { throttle: name }, [], { 'Retry-After': String(retry) });
    }
    recent.push(now);
    this.hits.set(key, recent);
  }

  /** Forgets every counter (tests that need a clean allowance). */
  reset(): void {
    this.hits.clear();
  }
}
