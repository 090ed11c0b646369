import { io, type Socket } from 'socket.io-client';
import { api } from '@web/api/http';

export interface BackupSocketHandlers {
  onProgress(uuid: string, bytes: number): void;
  onCompleted(uuid: string): void;
  onRestored(uuid: string, ok: boolean): void;
}

/**
 * A bridge connection for the Backups tab: the bridge sends `backup progress` and `backup completed` only to
 * sockets holding backup.read, and `backup restore completed` to everyone. Returns a closer.
 */
export function watchBackups(server: string, handlers: BackupSocketHandlers): () => void {
  let socket: Socket | null = null;
  let closed = false;
  const credentials = async () =>
    (await api.get<{ data: { token: string; socket: string } }>(`/api/client/servers/${encodeURIComponent(server)}/websocket`)).data;
  void credentials().then(({ token, socket: url }) => {
    if (closed) return;
    socket = io(url, { transports: ['websocket', 'polling'], reconnection: true });
    socket.on('connect', () => { void credentials().then((c) => socket?.emit('auth', c.token), () => socket?.emit('auth', token)); });
    socket.on('token expiring', () => { void credentials().then((c) => socket?.emit('auth', c.token), () => undefined); });
    socket.on('backup progress', (p: { uuid?: string; bytes?: number }) => { if (p?.uuid) handlers.onProgress(p.uuid, Number(p.bytes ?? 0)); });
    socket.on('backup completed', (p: { uuid?: string }) => { if (p?.uuid) handlers.onCompleted(p.uuid); });
    socket.on('backup restore completed', (p: { uuid?: string; is_successful?: boolean }) => handlers.onRestored(String(p?.uuid ?? ''), p?.is_successful !== false));
  }, () => undefined);
  return () => {
    closed = true;
    socket?.removeAllListeners();
    socket?.disconnect();
  };
}
