import { io, type Socket } from 'socket.io-client';
import type { OutboundEvent } from '@contracts/socket';
import type { HttpClient } from '../factories/http';

type Seen = { event: string; payload: unknown };

/** A real socket.io client that records everything it receives, in order, and can wait for what comes next. */
export class SocketProbe {
  readonly seen: Seen[] = [];
  disconnected = false;
  private waiters: Array<() => void> = [];

  constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => this.push({ event, payload }));
    socket.on('disconnect', () => { this.disconnected = true; this.push({ event: '$disconnect', payload: null }); });
  }

  static open(url: string): SocketProbe {
    return new SocketProbe(io(url, { transports: ['websocket'], forceNew: true, reconnection: false }));
  }

  of(event: OutboundEvent | '$disconnect'): unknown[] {
    return this.seen.filter((s) => s.event === event).map((s) => s.payload);
  }

  /** Every console line received so far, frames flattened. */
  lines(): string[] {
    return (this.of('console output') as string[][]).flat();
  }

  /** Resolves once `test` holds (checked on every event); rejects after a safety timeout with what was seen. */
  async until<T>(test: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = test();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; saw ${JSON.stringify(this.seen.slice(-15))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** The next `event` received after `from` events had been seen. */
  async next(event: OutboundEvent | '$disconnect', from = this.seen.length): Promise<unknown> {
    return this.until(() => this.seen.slice(from).find((s) => s.event === event) ?? false, event).then((s) => s.payload);
  }

  emit(event: string, ...args: unknown[]): void {
    this.socket.emit(event, ...args);
  }

  close(): void {
    this.socket.close();
  }

  private push(s: Seen): void {
    this.seen.push(s);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Fetches a token over HTTP as the SPA does, connects, authenticates and waits for `auth success`. */
export async function connectAs(client: HttpClient, serverRef: string): Promise<SocketProbe> {
  const res = await client.get(`/api/client/servers/${serverRef}/websocket`);
  if (res.status !== 200) throw new Error(`websocket token: ${res.status} ${res.text}`);
  const probe = SocketProbe.open(res.body.data.socket);
  probe.emit('auth', res.body.data.token);
  await probe.next('auth success', 0);
  return probe;
}
