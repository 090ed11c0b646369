import { api } from './http';
import type { Item, List } from './types';

/** A role (DESIGN §20): a built-in (`viewer` …) or one of the account's own (uuid). */
export interface Role {
  id: string;
  name: string;
  description: string | null;
  permissions: string[];
  builtin: boolean;
  is_owner: boolean;
}

const base = '/api/client/roles';
const body = (name: string, description: string, permissions: string[]) => ({ name, description: description || null, permissions });

export const rolesApi = {
  list: async () => (await api.get<List<Item<Role>>>(base)).data.map((r) => r.attributes),
  create: async (name: string, description: string, permissions: string[]) =>
    (await api.post<Item<Role>>(base, body(name, description, permissions))).attributes,
  update: async (id: string, name: string, description: string, permissions: string[]) =>
    (await api.post<Item<Role>>(`${base}/${encodeURIComponent(id)}`, body(name, description, permissions))).attributes,
  remove: (id: string) => api.del<void>(`${base}/${encodeURIComponent(id)}`),
  /** One invite for `email` to every server named (uuids or identifiers), with this role. */
  invite: (id: string, email: string, servers: string[]) => api.post<unknown>(`${base}/${encodeURIComponent(id)}/invite`, { email, servers }),
};
