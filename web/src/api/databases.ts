import { api } from './http';
import type { Item, List } from './types';

/** Pterodactyl's `server_database` (DESIGN §15); the password is present only for holders of database.view_password. */
export interface ServerDatabase {
  id: string;
  host: { address: string; port: number };
  name: string;
  username: string;
  connections_from: string;
  max_connections: number;
  relationships: { password: Item<{ password: string } | null> };
}

export const passwordOf = (db: ServerDatabase): string | null => db.relationships.password.attributes?.password ?? null;

const base = (server: string) => `/api/client/servers/${encodeURIComponent(server)}/databases`;
const unwrap = (item: Item<ServerDatabase>) => item.attributes;

export const databasesApi = {
  list: async (server: string, withPasswords: boolean) =>
    (await api.get<List<Item<ServerDatabase>>>(base(server), withPasswords ? { include: 'password' } : undefined)).data.map(unwrap),
  create: async (server: string, database: string, remote: string) =>
    unwrap(await api.post<Item<ServerDatabase>>(base(server), { database, remote })),
  rotate: async (server: string, id: string) => unwrap(await api.post<Item<ServerDatabase>>(`${base(server)}/${encodeURIComponent(id)}/rotate-password`)),
  remove: (server: string, id: string) => api.del<void>(`${base(server)}/${encodeURIComponent(id)}`),
};
