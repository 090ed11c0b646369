import { ERROR_CODES } from '@contracts/errors';
import type { Clock } from '../context';
import type { SharedStore } from '../shared/shared-store';
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
 * Sliding-window counters per (throttle, server) in the shared store: in process, or in Redis when REDIS_URL is set
 * so a limit holds across panel instances (issue 23). Called by services after the access check, so strangers
 * cannot spend a server's allowance. When Redis is unreachable the throttle lets the request through and logs why:
 * a throttle protects capacity, and refusing every create during an outage would be worse than a few extra.
 */
export class ServerThrottles {
  private generation = 0;

  constructor(
    private readonly clock: Clock,
    private readonly store: SharedStore,
    private readonly overrides: ThrottleOverrides = {},
    private readonly onStoreError: (err: unknown) => void = () => undefined,
  ) {}

  /** Counts one hit, or throws 429 with `Retry-After` when the server is over the limit. */
  async hit(name: ServerThrottleName, serverId: number): Promise<void> {
    const { limit, windowSeconds } = this.overrides[name] ?? SERVER_THROTTLES[name];
    let answer;
    try {
      answer = await this.store.hit(`throttle:${this.generation}:${name}:${serverId}`, limit, windowSeconds * 1000, this.clock.now().getTime());
    } catch (err) {
      this.onStoreError(err);
      return;
    }
    if (answer.allowed) return;
    const retry = Math.max(1, Math.ceil(answer.retryAfterMs / 1000));
    throw new HttpError(429, ERROR_CODES.tooMany, `Too many requests, please try again in ${retry} seconds.`,
      { throttle: name }, [], { 'Retry-After': String(retry) });
  }

  /** Starts every counter afresh (tests that need a clean allowance). */
  reset(): void {
    this.generation += 1;
  }
}
