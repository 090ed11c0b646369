/** The socket limits of DESIGN §7.5 (the panel fills them from WS_* and CONSOLE_THROTTLE_* in its config). */
export interface GatewayLimits {
  readonly maxSocketsPerServer: number;
  readonly eventsPerWindow: number;
  readonly eventWindowMs: number;
  readonly maxFrameBytes: number;
  readonly authTimeoutMs: number;
  readonly consoleLines: number;
  readonly consoleWindowMs: number;
  /** Console lines are gathered into one frame per this interval. */
  readonly consoleBatchMs: number;
  /** `token expiring` is sent when this much (or less) is left. */
  readonly expiringNoticeMs: number;
}

export const DEFAULT_LIMITS: GatewayLimits = {
  maxSocketsPerServer: 30, eventsPerWindow: 10, eventWindowMs: 200, maxFrameBytes: 32 * 1024, authTimeoutMs: 30_000,
  consoleLines: 2_000, consoleWindowMs: 100, consoleBatchMs: 50, expiringNoticeMs: 60_000,
};

/** A fixed-window counter: `take()` is false once `limit` events were taken in the current window. */
export class WindowCounter {
  private windowStart = 0;
  private count = 0;

  constructor(private readonly limit: number, private readonly windowMs: number) {}

  take(n = 1, now = Date.now()): number {
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    const allowed = Math.max(0, Math.min(n, this.limit - this.count));
    this.count += n;
    return allowed;
  }

  /** True when the current window has already refused something. */
  exceeded(now = Date.now()): boolean {
    return now - this.windowStart < this.windowMs && this.count > this.limit;
  }
}
