/**
 * The time a socket has to authenticate (DESIGN §7.5). An `auth` received before the deadline is allowed to finish
 * (token check and access lookup may be slow under load); the socket is closed only when the deadline has passed
 * with no auth in flight and no session.
 */
export class AuthDeadline {
  private timer: NodeJS.Timeout | null = null;
  private passed = false;
  private inFlight = 0;

  constructor(private readonly ms: number, private readonly authenticated: () => boolean, private readonly close: () => void) {
    this.restart();
  }

  restart(): void {
    this.stop();
    this.passed = false;
    this.timer = setTimeout(() => { this.passed = true; this.check(); }, this.ms);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Wraps one `auth` attempt. */
  async track(attempt: Promise<void>): Promise<void> {
    this.inFlight++;
    try {
      await attempt;
    } finally {
      this.inFlight--;
      this.check();
    }
  }

  private check(): void {
    if (this.passed && this.inFlight === 0 && !this.authenticated()) this.close();
  }
}
