import type { Store } from 'express-rate-limit';

/** The answer of a sliding-window counter: whether this hit fits, and when the oldest counted hit leaves the window. */
export interface WindowHit {
  readonly allowed: boolean;
  readonly retryAfterMs: number;
}

/**
 * State that must agree across panel instances (issue 23): single-use ids (signed file and backup links) and
 * sliding-window counters (per-server throttles, sign-in limits). In process when REDIS_URL is unset; in Redis
 * otherwise, so a limit or a single use holds across every instance behind one URL.
 */
export interface SharedStore {
  /** Records `key` for `ttlMs`; false when it was already recorded (a second use). */
  spendOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Counts one hit of `key` at `nowMs` unless `limit` hits already fall in the last `windowMs`. */
  hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<WindowHit>;
  /** An express-rate-limit store under `prefix`, or undefined for express-rate-limit's own memory store. */
  rateLimitStore(prefix: string): Store | undefined;
  close(): Promise<void>;
}

/** One panel instance's memory: the default when REDIS_URL is unset. */
export class InProcessStore implements SharedStore {
  private readonly spent = new Map<string, number>();
  private readonly windows = new Map<string, number[]>();

  async spendOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if (this.spent.size > 1024) for (const [k, exp] of this.spent) if (exp < now) this.spent.delete(k);
    const exp = this.spent.get(key);
    if (exp !== undefined && exp >= now) return false;
    this.spent.set(key, now + ttlMs);
    return true;
  }

  async hit(key: string, limit: number, windowMs: number, nowMs: number): Promise<WindowHit> {
    const recent = (this.windows.get(key) ?? []).filter((t) => t > nowMs - windowMs);
    if (recent.length >= limit) {
      this.windows.set(key, recent);
      return { allowed: false, retryAfterMs: (recent[0] ?? nowMs) + windowMs - nowMs };
    }
    recent.push(nowMs);
    this.windows.set(key, recent);
    return { allowed: true, retryAfterMs: 0 };
  }

  rateLimitStore(): Store | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.spent.clear();
    this.windows.clear();
  }
}
