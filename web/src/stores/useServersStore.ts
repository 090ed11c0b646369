import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '@web/api/http';
import type { Item, List, ServerSummary } from '@web/api/types';

/** The servers the signed-in user owns or belongs to. */
export const useServersStore = defineStore('servers', () => {
  const servers = ref<ServerSummary[]>([]);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      servers.value = (await api.get<List<Item<ServerSummary>>>('/api/client')).data.map((s) => s.attributes);
    } finally {
      loading.value = false;
    }
  }

  return { servers, loading, load };
});
