import { api } from './http';
import type { Item, List } from './types';

export interface Allocation {
  id: number;
  ip: string;
  ip_alias: string | null;
  port: number;
  notes: string | null;
  is_default: boolean;
}
export type ProxyStatus = 'active' | 'server_stopped' | 'server_suspended' | 'proxy_disabled';
export interface ProxyRoute {
  id: number;
  domain: string;
  path_prefix: string;
  allocation_id: number;
  target: { ip: string; ip_alias: string | null; port: number };
  websocket: boolean;
  status: ProxyStatus;
}
export interface ProxyInput { domain: string; path_prefix?: string; allocation_id: number; websocket?: boolean }
export interface PrivateNetwork {
  id: number;
  name: string;
  env: string;
  members: Array<{ identifier: string; name: string; address: string | null; port: number | null }>;
}

const server = (id: string) => `/api/client/servers/${encodeURIComponent(id)}`;
const unwrap = <T>(item: Item<T>) => item.attributes;

/** The Network tab's API (DESIGN §17). */
export const networkApi = {
  allocations: async (id: string) => (await api.get<List<Item<Allocation>>>(`${server(id)}/network/allocations`)).data.map(unwrap),
  assign: async (id: string) => unwrap(await api.post<Item<Allocation>>(`${server(id)}/network/allocations`)),
  setNotes: async (id: string, allocation: number, notes: string) =>
    unwrap(await api.post<Item<Allocation>>(`${server(id)}/network/allocations/${allocation}`, { notes })),
  makePrimary: async (id: string, allocation: number) =>
    unwrap(await api.post<Item<Allocation>>(`${server(id)}/network/allocations/${allocation}/primary`)),
  release: (id: string, allocation: number) => api.del<void>(`${server(id)}/network/allocations/${allocation}`),
  proxies: async (id: string) => {
    const list = await api.get<List<Item<ProxyRoute>> & { meta?: { proxy_enabled?: boolean } }>(`${server(id)}/proxy`);
    return { routes: list.data.map(unwrap), enabled: list.meta?.proxy_enabled !== false };
  },
  createProxy: async (id: string, input: ProxyInput) => unwrap(await api.post<Item<ProxyRoute>>(`${server(id)}/proxy`, input)),
  updateProxy: async (id: string, route: number, input: Partial<ProxyInput>) =>
    unwrap(await api.post<Item<ProxyRoute>>(`${server(id)}/proxy/${route}`, input)),
  deleteProxy: (id: string, route: number) => api.del<void>(`${server(id)}/proxy/${route}`),
  primaryOnly: async (id: string) => {
    const view = await api.get<{ attributes: { relationships?: { allocations?: List<Item<Allocation>> } } }>(server(id));
    return (view.attributes.relationships?.allocations?.data ?? []).map(unwrap);
  },
  privateNetworks: async (id: string) => (await api.get<List<Item<PrivateNetwork>>>(`${server(id)}/network/private`)).data.map(unwrap),
};
