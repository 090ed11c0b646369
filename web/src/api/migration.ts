import type { MigrationProgressPayload } from '@contracts/socket';
import { api } from './http';
import type { Item, List } from './types';

export type MigrationStatus = MigrationProgressPayload['status'];

/** `server_migration` (docs/migration.md). */
export interface Migration {
  uuid: string;
  source: 'sftp' | 'url';
  origin: Record<string, string | number>;
  status: MigrationStatus;
  cancel_requested: boolean;
  bytes: number;
  files: number;
  total_bytes: number | null;
  total_files: number | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export type MigrationRequest =
  | { source: 'url'; url: string; sha256?: string }
  | { source: 'sftp'; host: string; port: number; username: string; password?: string; private_key?: string; passphrase?: string; path: string; fingerprint?: string };

const base = (server: string) => `/api/client/servers/${encodeURIComponent(server)}/migrations`;

export const migrationApi = {
  list: async (server: string) => (await api.get<List<Item<Migration>>>(base(server))).data.map((i) => i.attributes),
  start: async (server: string, body: MigrationRequest) => (await api.post<Item<Migration>>(base(server), body)).attributes,
  cancel: async (server: string, uuid: string) => (await api.post<Item<Migration>>(`${base(server)}/${uuid}/cancel`)).attributes,
};
