import { defineStore } from 'pinia';
import { ref } from 'vue';
import { databasesApi, type ServerDatabase } from '@web/api/databases';

/** The Databases tab of one server. */
export const useDatabasesStore = defineStore('databases', () => {
  const databases = ref<ServerDatabase[]>([]);
  const loading = ref(false);

  async function load(server: string, withPasswords: boolean): Promise<void> {
    loading.value = true;
    try {
      databases.value = await databasesApi.list(server, withPasswords);
    } finally {
      loading.value = false;
    }
  }

  function upsert(db: ServerDatabase) {
    const i = databases.value.findIndex((d) => d.id === db.id);
    if (i >= 0) databases.value.splice(i, 1, db);
    else databases.value.push(db);
  }

  async function create(server: string, name: string, remote: string): Promise<ServerDatabase> {
    const db = await databasesApi.create(server, name, remote);
    upsert(db);
    return db;
  }

  async function rotate(server: string, id: string): Promise<ServerDatabase> {
    const db = await databasesApi.rotate(server, id);
    upsert(db);
    return db;
  }

  async function remove(server: string, id: string): Promise<void> {
    await databasesApi.remove(server, id);
    databases.value = databases.value.filter((d) => d.id !== id);
  }

  return { databases, loading, load, create, rotate, remove };
});
