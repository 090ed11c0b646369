/**
 * The socket.io gateway (DESIGN §7): token auth, a per-event permission guard judged at the moment of each event,
 * outbound filtering, console frames, the limits of §7.5, and revocation in place. It receives everything it needs
 * (token verifier, live access lookup, revocation bus, daemon, activity sink), so it runs inside the panel or alone.
 */
import type { Server as HttpServer } from 'node:http';
import { Server as IoServer, type Namespace, type ServerOptions, type Socket } from 'socket.io';
import { BRIDGE_NAMESPACE, INBOUND_EVENTS } from '@contracts/socket';
import type { AccessLookup, LiveAccess } from '../access';
import { concerns, EVERYONE, type Revocation, type RevocationBus } from '../bus';
import type { Daemon, DaemonServer } from '../daemon';
import type { TokenVerifier } from '../token';
import { handleAuth } from './auth';
import { AuthDeadline } from './auth-deadline';
import { handleEvent } from './events';
import { DEFAULT_LIMITS, type GatewayLimits } from './limits';
import { ServerChannel } from './server-channel';
import { eventLimiter, type Session } from './session';

export interface ActivityEntry {
  readonly event: string;
  readonly userUuid: string;
  readonly serverUuid: string;
  readonly properties: Record<string, unknown>;
  readonly ip: string;
  readonly userAgent: string;
}
export type ActivitySink = (entry: ActivityEntry) => Promise<void>;
export interface ServerDirectory { find(serverUuid: string): Promise<DaemonServer | null> }
export interface BridgeLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface GatewayOptions {
  /** The HTTP server to attach to, or a socket.io server made elsewhere. */
  readonly server: HttpServer | IoServer;
  readonly verifyToken: TokenVerifier;
  readonly access: AccessLookup;
  readonly servers: ServerDirectory;
  readonly bus: RevocationBus;
  readonly daemon: Daemon;
  readonly limits?: Partial<GatewayLimits>;
  readonly activity?: ActivitySink;
  readonly logger?: BridgeLogger;
  /** socket.io adapter (the Redis adapter when several instances share sockets). */
  readonly adapter?: ServerOptions['adapter'];
  readonly cors?: ServerOptions['cors'];
}

export class BridgeGateway {
  readonly io: IoServer;
  readonly namespace: Namespace;
  readonly limits: GatewayLimits;
  readonly sessions = new Map<string, Session>();
  private readonly channels = new Map<string, ServerChannel>();
  /** Revocations seen per user: an auth that raced one re-reads access before it counts. */
  private readonly generations = new Map<string, number>();
  private readonly unsubscribeBus: () => void;
  private readonly ownsIo: boolean;

  constructor(readonly options: GatewayOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.ownsIo = !(options.server instanceof IoServer);
    this.io = options.server instanceof IoServer ? options.server : new IoServer(options.server, {
      serveClient: false,
      maxHttpBufferSize: this.limits.maxFrameBytes,
      ...(options.adapter ? { adapter: options.adapter } : {}),
      ...(options.cors ? { cors: options.cors } : {}),
    });
    this.namespace = this.io.of(BRIDGE_NAMESPACE);
    this.namespace.on('connection', (socket) => this.onConnection(socket));
    this.unsubscribeBus = options.bus.subscribe((r) => this.revoke(r));
  }

  generation(userUuid: string): number {
    return (this.generations.get(userUuid) ?? 0) + (this.generations.get(EVERYONE) ?? 0);
  }

  /** Registers a session with its server's channel; false when the server already has its maximum of sockets. */
  attach(session: Session): boolean {
    let channel = this.channels.get(session.serverUuid);
    if (channel && channel.sessions.size >= this.limits.maxSocketsPerServer) return false;
    if (!channel) {
      channel = new ServerChannel(this.options.daemon, session.server, this.limits);
      this.channels.set(session.serverUuid, channel);
    }
    channel.sessions.add(session);
    this.sessions.set(session.socket.id, session);
    return true;
  }

  detach(session: Session): void {
    session.clearTimers();
    this.sessions.delete(session.socket.id);
    const channel = this.channels.get(session.serverUuid);
    if (!channel) return;
    channel.sessions.delete(session);
    if (channel.sessions.size === 0) {
      channel.close();
      this.channels.delete(session.serverUuid);
    }
  }

  /** Re-reads a user's access for their sockets here: new set → `permissions` in place; no access → disconnect. */
  async revoke(r: Revocation): Promise<void> {
    this.generations.set(r.userUuid, (this.generations.get(r.userUuid) ?? 0) + 1);
    const affected = [...this.sessions.values()].filter((s) => concerns(r, s.userUuid, s.serverUuid));
    // One lookup per user and server, however many sockets the user holds there.
    const lookups = new Map<string, Promise<LiveAccess | null>>();
    await Promise.all(affected.map((s) => {
      const key = `${s.userUuid}:${s.serverUuid}`;
      let lookup = lookups.get(key);
      if (!lookup) {
        lookup = this.options.access.resolve(s.userUuid, s.serverUuid).catch((err: unknown) => {
          this.options.logger?.error({ err }, 'bridge: access lookup failed; closing the socket');
          return null;
        });
        lookups.set(key, lookup);
      }
      return this.refresh(s, lookup);
    }));
  }

  private async refresh(session: Session, lookup: Promise<LiveAccess | null>): Promise<void> {
    const seq = ++session.resolveSeq;
    const access = await lookup;
    if (seq !== session.resolveSeq || !this.sessions.has(session.socket.id)) return;
    if (!access || access.refusal || !session.sameCredentials(access)) {
      session.emit('jwt error', access?.refusal ?? (access ? 'Your credentials changed; authenticate again.' : 'Your access to this server has been revoked.'));
      this.detach(session);
      session.socket.disconnect(true);
      return;
    }
    if (session.setAccess(access)) session.emit('permissions', [...access.permissions]);
  }

  async close(): Promise<void> {
    this.unsubscribeBus();
    for (const s of [...this.sessions.values()]) this.detach(s);
    this.namespace.disconnectSockets(true);
    if (!this.ownsIo) return;
    // Not io.close(): that would also close the HTTP server, which belongs to whoever passed it in.
    this.io.engine.close();
    await Promise.all([this.namespace.adapter.close(), this.io.of('/').adapter.close()]);
  }

  private onConnection(socket: Socket): void {
    const allow = eventLimiter(this.limits.eventsPerWindow, this.limits.eventWindowMs);
    socket.use(([event, ...args], next) => {
      if (Buffer.byteLength(JSON.stringify(args) ?? '') > this.limits.maxFrameBytes) {
        socket.emit('daemon error', 'The message is too large.');
        socket.disconnect(true);
        return;
      }
      if (!allow()) {
        socket.emit('throttled', { event: String(event) });
        return;
      }
      next();
    });
    const deadline = new AuthDeadline(this.limits.authTimeoutMs, () => this.sessions.has(socket.id), () => socket.disconnect(true));
    const ctx = { gateway: this, socket, restartAuthTimer: () => deadline.restart(), stopAuthTimer: () => deadline.stop() };
    // Listeners per event, not onAny: onAny runs before the middleware above (limits), `on` after it.
    for (const event of INBOUND_EVENTS) {
      socket.on(event, (...args: unknown[]) => {
        const run = event === 'auth' ? deadline.track(handleAuth(ctx, args)) : handleEvent(this, socket, event, args);
        run.catch((err: unknown) => this.options.logger?.error({ err, event }, 'bridge: event failed'));
      });
    }
    socket.on('disconnect', () => {
      deadline.stop();
      const session = this.sessions.get(socket.id);
      if (session) this.detach(session);
    });
  }
}
