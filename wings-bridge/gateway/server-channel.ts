import type { Namespace } from 'socket.io';
import type { Permission } from '@contracts/permissions';
import type { OutboundEvent, OutboundEvents, StatsPayload } from '@contracts/socket';
import type { Daemon, DaemonEvent, DaemonServer, ServerStats } from '../daemon';
import { WindowCounter, type GatewayLimits } from './limits';
import type { Session } from './session';

export const THROTTLE_NOTICE = 'Server is outputting console data too quickly -- throttling.';

export function statsPayload(stats: ServerStats): StatsPayload {
  return {
    state: stats.state, memory_bytes: stats.memoryBytes, memory_limit_bytes: 0, cpu_absolute: stats.cpuAbsolute,
    disk_bytes: stats.diskBytes, network: { rx_bytes: 0, tx_bytes: 0 }, uptime: stats.uptimeMs,
  };
}

/**
 * One server's sockets on this instance: a single daemon subscription, console lines gathered into frames
 * (≈50 ms) and throttled per server, each frame delivered to every session that may read it at that moment.
 */
export class ServerChannel {
  readonly sessions = new Set<Session>();
  private pending: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly throttle: WindowCounter;
  private throttling = false;
  private readonly unsubscribe: () => void;

  constructor(daemon: Daemon, server: DaemonServer, private readonly limits: GatewayLimits) {
    this.throttle = new WindowCounter(limits.consoleLines, limits.consoleWindowMs);
    this.unsubscribe = daemon.subscribe(server, (event) => this.onEvent(event));
  }

  close(): void {
    this.unsubscribe();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.pending = [];
  }

  private onEvent(event: DaemonEvent): void {
    switch (event.type) {
      case 'console': return this.queue(event.lines);
      case 'status':
        this.flush();
        return this.deliver('status', event.state);
      case 'stats': return this.deliver('stats', statsPayload(event.stats));
      case 'daemon message':
        this.flush();
        return this.deliver('daemon message', event.line);
      case 'backup completed':
        return this.deliver('backup completed', event.data, 'backup.read');
      case 'backup progress':
        return this.deliver('backup progress', event.data, 'backup.read');
      // Everyone connected: the server is usable again (its routes answered 409 during the restore).
      case 'backup restore completed':
        return this.deliver('backup restore completed', event.data);
      case 'install started':
        this.flush();
        return this.deliver('install started', null);
      case 'install output':
        for (const line of event.lines) this.deliver('install output', line, undefined, true);
        return;
      case 'install completed':
        return this.deliver('install completed', { successful: event.successful });
      case 'migration progress':
        return this.deliver('migration progress', event.data, 'migration.read');
    }
  }

  private queue(lines: readonly string[]): void {
    const allowed = this.throttle.take(lines.length);
    if (allowed > 0) this.pending.push(...lines.slice(0, allowed));
    if (allowed < lines.length) {
      if (!this.throttling) {
        this.throttling = true;
        this.flush();
        this.deliver('daemon message', THROTTLE_NOTICE);
      }
    } else if (this.throttling && !this.throttle.exceeded()) {
      this.throttling = false;
    }
    if (this.pending.length && !this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.limits.consoleBatchMs);
      this.flushTimer.unref();
    }
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (!this.pending.length) return;
    const frame = this.pending;
    this.pending = [];
    this.deliver('console output', frame);
  }

  /**
   * Sends to every session that may read it now (websocket.connect, and `need` when given), judged at this moment.
   * One socket.io broadcast to those sockets' own rooms, local to this instance: the packet is encoded once, not once
   * per socket (with 1,000 sockets per-socket encoding stalled the event loop for seconds; docs/performance.md).
   */
  private deliver<E extends OutboundEvent>(event: E, payload: OutboundEvents[E], need?: Permission, rootAdminsOnly = false): void {
    const ids: string[] = [];
    let nsp: Namespace | null = null;
    for (const s of this.sessions) {
      if (!s.permissions.has('websocket.connect') || (need && !s.permissions.has(need))) continue;
      if (rootAdminsOnly && !s.access.isAdmin) continue;
      ids.push(s.socket.id);
      nsp ??= s.socket.nsp;
    }
    if (nsp && ids.length) nsp.local.to(ids).emit(event, payload);
  }
}
