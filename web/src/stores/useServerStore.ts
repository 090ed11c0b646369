import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '@web/api/http';
import type { ServerSummary, ServerView } from '@web/api/types';

/** The server being viewed and the signed-in user's live permission set on it. */
export const useServerStore = defineStore('server', () => {
  const server = ref<ServerSummary | null>(null);
  const isOwner = ref(false);
  const permissions = ref<string[]>([]);

  async function load(id: string): Promise<void> {
    const view = await api.get<ServerView>(`/api/client/servers/${encodeURIComponent(id)}`);
    server.value = view.attributes;
    isOwner.value = view.meta.is_server_owner;
    permissions.value = view.meta.user_permissions;
  }

  /** The bridge's `permissions` event replaces the set in place; controls enable or disable at once. */
  function setPermissions(next: string[]) {
    permissions.value = [...next];
  }

  function clear() {
    server.value = null;
    isOwner.value = false;
    permissions.value = [];
  }

  return { server, isOwner, permissions, load, setPermissions, clear };
});
