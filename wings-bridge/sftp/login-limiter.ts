/**
 * Failed SFTP logins per IP + username in a sliding window. Past the limit, attempts are refused without checking
 * the credentials, so a password cannot be guessed faster than the window allows.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  blocked(ip: string, username: string): boolean {
    return this.recent(`${ip}\n${username}`).length >= this.max;
  }

  fail(ip: string, username: string): void {
    const key = `${ip}\n${username}`;
    this.failures.set(key, [...this.recent(key), this.now()]);
  }
}
