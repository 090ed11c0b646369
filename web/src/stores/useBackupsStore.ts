import { defineStore } from 'pinia';
import { ref } from 'vue';
import { backupsApi, type Backup } from '@web/api/backups';
import type { Pagination } from '@web/api/types';

/** The Backups tab of one server: the list, live progress of running backups (bytes written, from the socket). */
export const useBackupsStore = defineStore('backups', () => {
  const backups = ref<Backup[]>([]);
  const pagination = ref<Pagination | null>(null);
  const backupCount = ref(0);
  const progress = ref<Record<string, number>>({});
  const page = ref(1);

  async function load(server: string): Promise<void> {
    const list = await backupsApi.list(server, page.value);
    backups.value = list.backups;
    pagination.value = list.pagination;
    backupCount.value = list.backupCount;
  }

  function upsert(b: Backup) {
    const i = backups.value.findIndex((x) => x.uuid === b.uuid);
    if (i >= 0) backups.value.splice(i, 1, b);
    else backups.value.unshift(b);
  }

  async function create(server: string, body: { name?: string; ignored?: string; is_locked?: boolean }): Promise<Backup> {
    const b = await backupsApi.create(server, body);
    upsert(b);
    return b;
  }

  async function toggleLock(server: string, uuid: string) { upsert(await backupsApi.toggleLock(server, uuid)); }

  async function remove(server: string, uuid: string) {
    await backupsApi.remove(server, uuid);
    backups.value = backups.value.filter((b) => b.uuid !== uuid);
  }

  /** A socket `backup completed` (or a poll) finished a row: read it afresh. */
  async function refresh(server: string, uuid: string) {
    const { [uuid]: _done, ...rest } = progress.value;
    progress.value = rest;
    upsert(await backupsApi.get(server, uuid));
  }

  const running = () => backups.value.some((b) => b.completed_at === null);

  return { backups, pagination, backupCount, progress, page, load, create, toggleLock, remove, refresh, running };
});
