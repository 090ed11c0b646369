import { api } from './http';
import type { Item, List, Subuser } from './types';

const base = (server: string) => `/api/client/servers/${encodeURIComponent(server)}/users`;
const unwrap = (item: Item<Subuser>) => item.attributes;

export const subusersApi = {
  list: async (server: string) => (await api.get<List<Item<Subuser>>>(base(server))).data.map(unwrap),
  get: async (server: string, uuid: string) => unwrap(await api.get<Item<Subuser>>(`${base(server)}/${uuid}`)),
  create: async (server: string, email: string, permissions: string[]) =>
    unwrap(await api.post<Item<Subuser>>(base(server), { email, permissions })),
  update: async (server: string, uuid: string, permissions: string[]) =>
    unwrap(await api.post<Item<Subuser>>(`${base(server)}/${uuid}`, { permissions })),
  createWithRole: async (server: string, email: string, role: string, overrides: { add: string[]; remove: string[] }) =>
    unwrap(await api.post<Item<Subuser>>(base(server), { email, role, overrides })),
  assignRole: async (server: string, uuid: string, role: string | null, overrides?: { add: string[]; remove: string[] }) =>
    unwrap(await api.put<Item<Subuser>>(`${base(server)}/${uuid}/role`, { role, ...(overrides ? { overrides } : {}) })),
  setFileScope: async (server: string, uuid: string, paths: string[] | null) =>
    unwrap(await api.put<Item<Subuser>>(`${base(server)}/${uuid}/file-scope`, { paths })),
  remove: (server: string, uuid: string) => api.del<void>(`${base(server)}/${uuid}`),
  resend: async (server: string, uuid: string) => unwrap(await api.post<Item<Subuser>>(`${base(server)}/${uuid}/resend`)),
};
