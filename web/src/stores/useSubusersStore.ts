import { defineStore } from 'pinia';
import { ref } from 'vue';
import { adoptCatalogue, type SystemPermissions } from '@contracts/permissions';
import { api } from '@web/api/http';
import { subusersApi } from '@web/api/subusers';
import type { Subuser } from '@web/api/types';

/** The Users tab of one server. */
export const useSubusersStore = defineStore('subusers', () => {
  const server = ref<string | null>(null);
  const users = ref<Subuser[]>([]);
  const loading = ref(false);
  /** Bumped when the server's catalogue adds a host's categories, so the grid re-renders with them. */
  const catalogueVersion = ref(0);
  let catalogueRead = false;

  async function readCatalogue(): Promise<void> {
    if (catalogueRead) return;
    if (adoptCatalogue(await api.get<SystemPermissions>('/api/client/permissions')).length) catalogueVersion.value += 1;
    catalogueRead = true;
  }

  async function load(id: string): Promise<void> {
    loading.value = true;
    try {
      const [list] = await Promise.all([subusersApi.list(id), readCatalogue()]);
      users.value = list;
      server.value = id;
    } finally {
      loading.value = false;
    }
  }

  function upsert(user: Subuser) {
    const i = users.value.findIndex((u) => u.uuid === user.uuid);
    if (i >= 0) users.value.splice(i, 1, user);
    else users.value.push(user);
  }

  async function create(id: string, email: string, permissions: string[]): Promise<Subuser> {
    const user = await subusersApi.create(id, email, permissions);
    upsert(user);
    return user;
  }

  async function update(id: string, uuid: string, permissions: string[]): Promise<Subuser> {
    const user = await subusersApi.update(id, uuid, permissions);
    upsert(user);
    return user;
  }

  async function remove(id: string, uuid: string): Promise<void> {
    await subusersApi.remove(id, uuid);
    users.value = users.value.filter((u) => u.uuid !== uuid);
  }

  async function resend(id: string, uuid: string): Promise<void> {
    upsert(await subusersApi.resend(id, uuid));
  }

  return { server, users, loading, catalogueVersion, readCatalogue, load, create, update, remove, resend };
});
