import type { PowerSignal } from '@contracts/socket';
import { io, type Socket } from 'socket.io-client';
import { onBeforeUnmount, ref } from 'vue';
import { api, messageOf } from '@web/api/http';
import type { Item, Resources } from '@web/api/types';
import { useServerStore } from '@web/stores/useServerStore';

export type { PowerSignal };

/** Wings' stats frame as the bridge sends it (DESIGN §7, `StatsPayload`), or the resources of `GET /resources`. */
export interface SocketStats {
  state?: string;
  memory_bytes: number;
  memory_limit_bytes?: number;
  cpu_absolute: number;
  disk_bytes: number;
  uptime: number;
  network?: { rx_bytes: number; tx_bytes: number };
}

interface Handlers {
  /** Console lines, already split. */
  onLines(lines: string[]): void;
  /** Panel notices (daemon messages, refusals) to show inline in the terminal. */
  onNotice(text: string): void;
}

/** Lines from a `console output` frame: an array of lines or one string (Wings sends one line per event). */
export function frameLines(payload: unknown): string[] {
  if (Array.isArray(payload)) return payload.flatMap((l) => String(l).split(/\r?\n/));
  if (typeof payload === 'string') return payload.split(/\r?\n/);
  return [];
}

/** A permission list from `permissions` / `auth success` (`string[]` or `{permissions: string[]}`). */
function permissionList(payload: unknown): string[] | null {
  const list = Array.isArray(payload) ? payload : (payload as { permissions?: unknown } | null)?.permissions;
  return Array.isArray(list) ? list.map(String) : null;
}

/**
 * The bridge connection of one server page: fetches a token, authenticates, re-authenticates on `token expiring`,
 * and feeds the live permission set into the server store so controls enable or disable the moment it changes.
 */
export function useServerSocket(server: string, handlers: Handlers) {
  const store = useServerStore();
  const state = ref<'connecting' | 'connected' | 'closed'>('connecting');
  const status = ref('offline');
  const stats = ref<SocketStats | null>(null);
  const error = ref('');
  let socket: Socket | null = null;
  let stopped = false;

  const credentials = async () =>
    (await api.get<{ data: { token: string; socket: string } }>(`/api/client/servers/${encodeURIComponent(server)}/websocket`)).data;

  async function reauth() {
    try {
      socket?.emit('auth', (await credentials()).token);
    } catch (err) {
      error.value = messageOf(err);
    }
  }

  function wire(s: Socket, token: string) {
    let first = true;
    // A reconnect after a drop needs a fresh token: the first one may have expired meanwhile.
    s.on('connect', () => {
      if (first) s.emit('auth', token);
      else void reauth();
      first = false;
    });
    s.on('auth success', (payload: unknown) => {
      state.value = 'connected';
      error.value = '';
      const list = permissionList(payload);
      if (list) store.setPermissions(list);
      s.emit('send logs');
      s.emit('send stats');
    });
    s.on('status', (next: unknown) => { status.value = String(next); });
    s.on('console output', (frame: unknown) => handlers.onLines(frameLines(frame)));
    s.on('stats', (frame: unknown) => {
      const parsed = (typeof frame === 'string' ? JSON.parse(frame) : frame) as SocketStats;
      stats.value = parsed;
      if (parsed.state) status.value = parsed.state;
    });
    s.on('daemon message', (text: unknown) => handlers.onNotice(String(text)));
    s.on('daemon error', (text: unknown) => handlers.onNotice(`Error: ${String(text)}`));
    s.on('token expiring', () => { void reauth(); });
    s.on('token expired', () => { void reauth(); });
    s.on('jwt error', (text: unknown) => { error.value = String(text); });
    s.on('permission denied', (p: { event?: string; permission?: string } | null) => {
      handlers.onNotice(`You do not have permission to do that (${p?.permission ?? 'unknown'}).`);
    });
    s.on('permissions', (payload: unknown) => {
      const list = permissionList(payload);
      if (list) store.setPermissions(list);
    });
    s.on('disconnect', () => { state.value = 'closed'; });
    s.on('connect_error', (err: Error) => { error.value = err.message; });
  }

  /** The first status and stats come over HTTP, so the page is filled before the socket is up. */
  async function loadResources() {
    try {
      const { attributes } = await api.get<Item<Resources>>(`/api/client/servers/${encodeURIComponent(server)}/resources`);
      if (state.value !== 'connected') status.value = attributes.current_state;
      stats.value ??= { ...attributes.resources };
    } catch {
      // The socket brings the same data; a failure here is not worth a message.
    }
  }

  async function connect() {
    void loadResources();
    try {
      const { token, socket: url } = await credentials();
      if (stopped) return;
      socket = io(url, { transports: ['websocket', 'polling'], reconnection: true });
      wire(socket, token);
    } catch (err) {
      state.value = 'closed';
      error.value = messageOf(err);
    }
  }

  const sendCommand = (line: string) => socket?.emit('send command', line);
  const setState = (signal: PowerSignal) => socket?.emit('set state', signal);

  function close() {
    stopped = true;
    socket?.removeAllListeners();
    socket?.disconnect();
    socket = null;
  }

  void connect();
  onBeforeUnmount(close);
  return { state, status, stats, error, sendCommand, setState, close };
}
