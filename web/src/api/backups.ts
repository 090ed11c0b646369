import { api } from './http';
import type { Item, List, Pagination } from './types';

/** Pterodactyl's `backup` object (DESIGN §13), plus `is_automated`. */
export interface Backup {
  uuid: string;
  is_successful: boolean;
  is_locked: boolean;
  name: string;
  ignored_files: string[];
  checksum: string | null;
  bytes: number;
  created_at: string;
  completed_at: string | null;
  is_automated?: boolean;
}

export interface BackupPolicy {
  cron: string;
  keep: number;
  ignored: string;
  is_active: boolean;
  next_run_at: string | null;
  last_run_at: string | null;
  last_error: string | null;
}

export interface BackupList {
  backups: Backup[];
  pagination: Pagination | null;
  backupCount: number;
}

const base = (server: string) => `/api/client/servers/${encodeURIComponent(server)}/backups`;

export const backupsApi = {
  list: async (server: string, page: number): Promise<BackupList> => {
    const list = await api.get<List<Item<Backup>> & { meta?: { pagination?: Pagination; backup_count?: number } }>(base(server), { page, per_page: 20 });
    return { backups: list.data.map((b) => b.attributes), pagination: list.meta?.pagination ?? null, backupCount: list.meta?.backup_count ?? 0 };
  },
  get: async (server: string, uuid: string) => (await api.get<Item<Backup>>(`${base(server)}/${uuid}`)).attributes,
  create: async (server: string, body: { name?: string; ignored?: string; is_locked?: boolean }) =>
    (await api.post<Item<Backup>>(base(server), body)).attributes,
  toggleLock: async (server: string, uuid: string) => (await api.post<Item<Backup>>(`${base(server)}/${uuid}/lock`)).attributes,
  remove: (server: string, uuid: string) => api.del<void>(`${base(server)}/${uuid}`),
  restore: (server: string, uuid: string, truncate: boolean) => api.post<void>(`${base(server)}/${uuid}/restore`, { truncate }),
  downloadUrl: async (server: string, uuid: string) => (await api.get<Item<{ url: string }>>(`${base(server)}/${uuid}/download`)).attributes.url,
  policy: async (server: string) => (await api.get<Item<BackupPolicy>>(`${base(server)}/policy`)).attributes,
  savePolicy: async (server: string, body: Pick<BackupPolicy, 'cron' | 'keep' | 'ignored' | 'is_active'>) =>
    (await api.put<Item<BackupPolicy>>(`${base(server)}/policy`, body)).attributes,
};
