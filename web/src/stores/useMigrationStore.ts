import type { MigrationProgressPayload } from '@contracts/socket';
import { defineStore } from 'pinia';
import { io, type Socket } from 'socket.io-client';
import { computed, ref } from 'vue';
import { api } from '@web/api/http';
import { migrationApi, type Migration, type MigrationRequest } from '@web/api/migration';

/**
 * The Migrate tab: the server's migration history, and the running one kept live from `migration progress` on the
 * socket (the bridge sends it only to holders of migration.read), with a slow poll as a fallback.
 */
export const useMigrationStore = defineStore('migration', () => {
  const server = ref('');
  const history = ref<Migration[]>([]);
  const running = computed(() => history.value.find((m) => m.status === 'running') ?? null);
  let socket: Socket | null = null;
  let poll: ReturnType<typeof setInterval> | null = null;

  async function refresh() {
    if (server.value) history.value = await migrationApi.list(server.value);
  }

  function apply(p: MigrationProgressPayload) {
    const found = history.value.find((m) => m.uuid === p.uuid);
    if (!found) { void refresh(); return; }
    Object.assign(found, { status: p.status, bytes: p.bytes, files: p.files, total_bytes: p.total_bytes, total_files: p.total_files, error: p.error });
    if (p.status !== 'running') void refresh();
  }

  async function open(id: string) {
    close();
    server.value = id;
    await refresh();
    poll = setInterval(() => { if (running.value) void refresh(); }, 3000);
    try {
      const { data } = await api.get<{ data: { token: string; socket: string } }>(`/api/client/servers/${encodeURIComponent(id)}/websocket`);
      socket = io(data.socket, { transports: ['websocket', 'polling'] });
      socket.on('connect', () => socket?.emit('auth', data.token));
      socket.on('migration progress', (p: MigrationProgressPayload) => apply(p));
      socket.on('token expiring', async () => {
        const next = await api.get<{ data: { token: string } }>(`/api/client/servers/${encodeURIComponent(id)}/websocket`).catch(() => null);
        if (next) socket?.emit('auth', next.data.token);
      });
    } catch {
      // Without a socket the poll keeps the bar moving.
    }
  }

  function close() {
    if (poll) clearInterval(poll);
    poll = null;
    socket?.removeAllListeners();
    socket?.disconnect();
    socket = null;
  }

  async function start(body: MigrationRequest) {
    const started = await migrationApi.start(server.value, body);
    history.value = [started, ...history.value.filter((m) => m.uuid !== started.uuid)];
    return started;
  }

  async function cancel(uuid: string) {
    const after = await migrationApi.cancel(server.value, uuid);
    history.value = history.value.map((m) => (m.uuid === uuid ? after : m));
  }

  return { server, history, running, open, close, refresh, start, cancel };
});
