/**
 * One websocket connection to a fake Wings node, as Wings' router/websocket handles it: nothing but `auth` before a
 * valid token (`jwt error` otherwise); after it `auth success` and the server's `status`; re-`auth` refreshes the
 * token without repeating the status; `token expiring` 60 s before the end, `token expired` at it; inbound events
 * limited to 10 per 200 ms (`throttled`); `send command`/`set state` only with their permission.
 */
import type { WebSocket } from 'ws';
import type { FakeServer } from './fake-server';
import { hasPermission, verifyWebsocketToken, type WebsocketClaims, type WsMessage } from './protocol';

export interface SocketHandle {
  readonly server: FakeServer;
  userUuid(): string | null;
  jti(): string;
  /** Re-checks the token against the denylist; a denied one gets `jwt error` and loses its events. */
  revalidate(): void;
  close(): void;
}

interface Node { readonly options: { readonly token: string }; readonly bootedAt: number; readonly denied: ReadonlyMap<string, number>; readonly authTokens: string[]; readonly authGate: Promise<void> | null }

export function attachSocket(ws: WebSocket, server: FakeServer, node: Node): SocketHandle {
  let claims: WebsocketClaims | null = null;
  let unsubscribe: (() => void) | null = null;
  let timers: NodeJS.Timeout[] = [];
  let window = { start: 0, count: 0 };
  const send = (event: string, args: readonly string[] = []) => { if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, args })); };

  const forward = (event: string, args: readonly string[]) => {
    if (!claims) return;
    if (event.startsWith('install') && !hasPermission(claims, 'admin.websocket.install')) return;
    if (event.startsWith('backup') && !hasPermission(claims, 'backup.read')) return;
    send(event, args);
  };
  const arm = (c: WebsocketClaims) => {
    for (const t of timers) clearTimeout(t);
    const left = c.exp * 1000 - Date.now();
    timers = [
      setTimeout(() => send('token expiring'), Math.max(0, left - 60_000)),
      setTimeout(() => { send('token expired'); claims = null; }, Math.max(0, left)),
    ];
  };
  const drop = (reason: string) => { claims = null; unsubscribe?.(); unsubscribe = null; send('jwt error', [reason]); };

  ws.on('message', (raw) => {
    const now = Date.now();
    if (now - window.start >= 200) window = { start: now, count: 0 };
    if (++window.count > 10) { send('throttled', ['global']); return; }
    let msg: WsMessage;
    try { msg = JSON.parse(String(raw)) as WsMessage; } catch { return; }
    void handle(msg);
  });

  async function handle(msg: WsMessage): Promise<void> {
    if (msg.event === 'auth') {
      node.authTokens.push((msg.args ?? []).join(''));
      if (node.authGate) await node.authGate;
      try {
        const fresh = await verifyWebsocketToken((msg.args ?? []).join(''), node.options.token, server.uuid, node.bootedAt, node.denied);
        const first = claims === null;
        claims = fresh;
        arm(fresh);
        send('auth success');
        if (first) {
          unsubscribe ??= server.subscribe(forward);
          send('status', [server.state]);
        }
      } catch (err) { send('jwt error', [err instanceof Error ? err.message : 'jwt: invalid']); }
      return;
    }
    if (!claims) { send('jwt error', ['jwt: no jwt present']); return; }
    switch (msg.event) {
      case 'send logs': for (const line of server.logs(100)) send('console output', [line]); break;
      case 'send stats': send('stats', [JSON.stringify(server.utilization())]); break;
      case 'send command':
        if (hasPermission(claims, 'control.console') && server.state !== 'offline') server.command((msg.args ?? []).join(''));
        break;
      case 'set state': {
        const action = (msg.args ?? [])[0];
        const key = action === 'kill' ? 'control.stop' : `control.${action}`;
        if ((action === 'start' || action === 'stop' || action === 'restart' || action === 'kill') && hasPermission(claims, key)) server.power(action);
        break;
      }
      default: break;
    }
  }

  ws.on('close', () => { for (const t of timers) clearTimeout(t); unsubscribe?.(); });
  return {
    server,
    userUuid: () => claims?.user_uuid ?? null,
    jti: () => claims?.jti ?? '',
    revalidate: () => {
      const c = claims;
      const deniedAt = c ? node.denied.get(c.jti) : undefined;
      if (c && deniedAt !== undefined && c.iat * 1000 <= deniedAt) drop('jwt: created too far in past (denylist)');
    },
    close: () => ws.close(),
  };
}
