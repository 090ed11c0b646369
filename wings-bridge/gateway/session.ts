import type { Socket } from 'socket.io';
import { compile, type CompiledPermissions } from '@contracts/permissions';
import type { OutboundEvent, OutboundEvents } from '@contracts/socket';
import type { LiveAccess } from '../access';
import type { DaemonServer } from '../daemon';
import { WindowCounter } from './limits';

/** One authenticated socket: whose it is, which server, and the permissions the bridge holds for it now. */
export class Session {
  permissions: CompiledPermissions;
  /** Bumped on every re-resolution; a slower, older answer never overwrites a newer one. */
  resolveSeq = 0;
  expiresAt: number;
  /** The credential generation the socket was authenticated under. */
  readonly credentialEpoch: number | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    readonly socket: Socket,
    readonly server: DaemonServer,
    public access: LiveAccess,
    expiresAt: number,
  ) {
    this.permissions = compile(access.permissions);
    this.expiresAt = expiresAt;
    this.credentialEpoch = access.credentialEpoch;
  }

  /** False once the user's credentials changed (password change, suspension) since this socket authenticated. */
  sameCredentials(access: LiveAccess): boolean {
    return this.credentialEpoch === undefined || access.credentialEpoch === this.credentialEpoch;
  }

  get userUuid(): string { return this.access.userUuid; }
  get serverUuid(): string { return this.access.serverUuid; }

  setAccess(access: LiveAccess): boolean {
    const before = [...this.access.permissions].sort().join(',');
    this.access = access;
    this.permissions = compile(access.permissions);
    return before !== [...access.permissions].sort().join(',');
  }

  emit<E extends OutboundEvent>(event: E, payload: OutboundEvents[E]): void {
    this.socket.emit(event, payload);
  }

  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, Math.max(0, ms));
    t.unref();
    this.timers.add(t);
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Per-socket inbound rate limit (DESIGN §7.5). */
export function eventLimiter(limit: number, windowMs: number): () => boolean {
  const counter = new WindowCounter(limit, windowMs);
  return () => counter.take() === 1;
}
