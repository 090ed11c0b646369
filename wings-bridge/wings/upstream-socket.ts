/**
 * The panel's one websocket to Wings for one server (DESIGN §19), shared by every Cohost socket of that server:
 * connects to `/api/servers/{uuid}/ws` with `Origin` = the panel URL, authenticates with an HS256 JWT signed by the
 * node token, authenticates again before the token expires (and whenever Wings says `token expiring`/`expired`),
 * and reconnects with exponential backoff (0.5 s doubling to 30 s, with jitter) while anyone listens. Wings' frames
 * are parsed at this edge and handed on as DaemonEvents; raw frames also reach one-shot waiters (backup and install
 * completions).
 */
import { WebSocket } from 'ws';
import { z } from 'zod';
import type { DaemonEvent, ServerState } from '../daemon';
import type { NodeConnection } from './node-client';
import { PANEL_SOCKET_PERMISSIONS, signWebsocketToken, WINGS_SOCKET_TTL_SECONDS } from './wings-jwt';

const frame = z.object({ event: z.string(), args: z.array(z.unknown()).optional() });
const stateSchema = z.enum(['offline', 'starting', 'running', 'stopping']);
export const wingsStats = z.object({
  memory_bytes: z.number().default(0), cpu_absolute: z.number().default(0), disk_bytes: z.number().default(0),
  uptime: z.number().default(0), state: stateSchema.catch('offline'),
});

export interface UpstreamOptions {
  readonly panelUrl: string;
  /** The user the panel's own tokens are issued to (never a real user). */
  readonly panelUserUuid: string;
  readonly ttlSeconds?: number;
  readonly maxBackoffMs?: number;
  readonly onError?: (err: unknown) => void;
  /**
   * The state Wings sends right after each new connection authenticates: a snapshot, not a transition. Given, it
   * goes here (the daemon compares it with what it last told its listeners); without it, it is emitted as a status
   * when it differs from the last state this socket saw.
   */
  readonly onSnapshot?: (state: ServerState) => void;
}

type Waiter = { match: (event: string) => boolean; resolve: (args: unknown[]) => void };

export class UpstreamSocket {
  state: ServerState | null = null;
  /** Times the socket (re)authenticated: tests and metrics read it. */
  authentications = 0;
  private ws: WebSocket | null = null;
  private attempt = 0;
  private closed = false;
  private reauthTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly waiters = new Set<Waiter>();
  private authed = false;
  /** True from a new connection until its first `status` frame (Wings' snapshot after `auth success`). */
  private awaitingSnapshot = false;

  constructor(private node: NodeConnection, private readonly serverUuid: string, private readonly emit: (e: DaemonEvent) => void, private readonly options: UpstreamOptions) {
    this.connect();
  }

  get connected(): boolean { return this.authed; }

  /** Resolves with the args of the next frame whose event matches. */
  waitFor(match: (event: string) => boolean): Promise<unknown[]> {
    return new Promise((resolve) => this.waiters.add({ match, resolve }));
  }

  /** Resolves once authenticated (or rejects after `ms`). */
  async ready(ms: number): Promise<void> {
    if (this.authed) return;
    await Promise.race([
      this.waitFor((e) => e === 'auth success'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('the node\'s websocket did not authenticate in time')), ms).unref()),
    ]);
  }

  send(event: string, args: readonly string[] = []): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ event, args }));
  }

  /** Reconnects to a node whose URL or token changed (at once, without backoff). */
  retarget(node: NodeConnection): void {
    this.node = node;
    if (this.closed) return;
    const old = this.ws;
    this.ws = null;
    this.authed = false;
    this.clearTimers();
    old?.terminate();
    this.attempt = 0;
    this.connect();
  }

  close(): void {
    this.closed = true;
    this.clearTimers();
    this.ws?.terminate();
    this.ws = null;
  }

  private connect(): void {
    if (this.closed) return;
    const url = new URL(`/api/servers/${this.serverUuid}/ws`, this.node.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, { origin: this.options.panelUrl, handshakeTimeout: 5_000 });
    this.ws = ws;
    ws.on('open', () => { this.awaitingSnapshot = true; void this.authenticate(); });
    ws.on('message', (raw) => this.onFrame(String(raw)));
    ws.on('error', (err) => this.options.onError?.(err));
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.authed = false;
      this.clearTimers();
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const base = Math.min(this.options.maxBackoffMs ?? 30_000, 500 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
    this.retryTimer.unref();
  }

  private async authenticate(): Promise<void> {
    const ttl = this.options.ttlSeconds ?? WINGS_SOCKET_TTL_SECONDS;
    try {
      const token = await signWebsocketToken(this.node.token, {
        userUuid: this.options.panelUserUuid, serverUuid: this.serverUuid, permissions: PANEL_SOCKET_PERMISSIONS,
        jti: `panel-${this.serverUuid}`, now: new Date(), ttlSeconds: ttl,
      });
      this.send('auth', [token]);
    } catch (err) { this.options.onError?.(err); return; }
    if (this.reauthTimer) clearTimeout(this.reauthTimer);
    // Well before Wings' own `token expiring` (60 s before the end), so a lost frame still leaves time.
    this.reauthTimer = setTimeout(() => void this.authenticate(), Math.max(1, ttl - 90) * 1000);
    this.reauthTimer.unref();
  }

  private onFrame(raw: string): void {
    let parsed: z.infer<typeof frame>;
    try { parsed = frame.parse(JSON.parse(raw)); } catch { return; }
    const args = parsed.args ?? [];
    for (const w of [...this.waiters]) if (w.match(parsed.event)) { this.waiters.delete(w); w.resolve(args); }
    const first = String(args[0] ?? '');
    switch (parsed.event) {
      case 'auth success': this.authed = true; this.attempt = 0; this.authentications++; break;
      case 'token expiring': case 'token expired': void this.authenticate(); break;
      case 'jwt error': this.authed = false; this.options.onError?.(new Error(`node refused the panel's token: ${first}`)); this.ws?.close(); break;
      case 'status': {
        const s = stateSchema.safeParse(first);
        if (!s.success) break;
        if (this.awaitingSnapshot) {
          // Wings sends the state after every first auth on a connection: a snapshot of what happened while
          // this socket was not listening (the server may have started meanwhile), judged by the daemon.
          this.awaitingSnapshot = false;
          const known = this.state;
          this.state = s.data;
          if (this.options.onSnapshot) this.options.onSnapshot(s.data);
          else if (known !== null && known !== s.data) this.emit({ type: 'status', state: s.data });
        } else if (s.data !== this.state) {
          this.state = s.data;
          this.emit({ type: 'status', state: s.data });
        }
        break;
      }
      case 'console output': this.emit({ type: 'console', lines: first.split(/\r?\n/) }); break;
      case 'stats': {
        try {
          const st = wingsStats.parse(JSON.parse(first));
          this.emit({ type: 'stats', stats: { state: st.state, cpuAbsolute: st.cpu_absolute, memoryBytes: st.memory_bytes, diskBytes: st.disk_bytes, uptimeMs: st.uptime } });
        } catch { /* a malformed frame is dropped */ }
        break;
      }
      case 'daemon message': this.emit({ type: 'daemon message', line: first }); break;
      case 'install started': this.emit({ type: 'install started' }); break;
      case 'install output': this.emit({ type: 'install output', lines: first.split(/\r?\n/) }); break;
      // Wings reports the install's outcome to the panel's remote API; the socket event only says it ended.
      case 'install completed': this.emit({ type: 'install completed', successful: true }); break;
      // `backup completed`, `backup restore completed`: the panel records them first and publishes its own.
      default: break;
    }
  }

  private clearTimers(): void {
    if (this.reauthTimer) clearTimeout(this.reauthTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.reauthTimer = this.retryTimer = null;
  }
}
