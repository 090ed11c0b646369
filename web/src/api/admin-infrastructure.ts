import { api, request } from './http';
import type { Item, List } from './types';

/** Nodes, allocations, database hosts and software under the admin API (DESIGN §19, §21). */
export interface AdminNode { id: number; uuid: string; name: string; url: string; created_at: string; servers?: number }
export interface NodeTest { ok: boolean; uuid: string; name: string; url: string; version?: string; revocation?: string; error?: string }
export interface AdminAllocation { id: number; ip: string; alias: string | null; port: number; notes: string | null; assigned: boolean }
export interface AdminDatabaseHost {
  id: number; name: string; host: string; port: number; username: string; max_databases: number | null; node_id: number | null; managed: boolean; databases: number;
}
export interface DatabaseHostForm { name: string; host: string; port: number; username: string; password: string; max_databases: number | null }
export interface AdminSoftware { id: string; name: string; bundled: boolean; variables: number }

const A = '/api/application';
const items = <T>(list: List<Item<T>>) => list.data.map((i) => i.attributes);

export const infrastructureApi = {
  nodes: async () => items(await api.get<List<Item<AdminNode>>>(`${A}/nodes`)),
  createNode: (body: { name: string; url: string }) => api.post<Item<AdminNode> & { meta: { token: string } }>(`${A}/nodes`, body),
  updateNode: (uuid: string, body: { name?: string; url?: string }) => request<Item<AdminNode>>('PATCH', `${A}/nodes/${uuid}`, { body }),
  deleteNode: (uuid: string) => api.del(`${A}/nodes/${uuid}`),
  rotateNodeToken: (uuid: string) => api.post<Item<AdminNode> & { meta: { token: string } }>(`${A}/nodes/${uuid}/token`),
  testNode: async (uuid: string) => (await api.post<Item<NodeTest>>(`${A}/nodes/${uuid}/test`)).attributes,
  allocations: async (node: string) => items(await api.get<List<Item<AdminAllocation>>>(`${A}/allocations`, { node: node || undefined })),
  addAllocations: (body: { ip: string; ports: string; alias?: string; node?: string }) =>
    api.post<Item<{ added: number; ports: number }>>(`${A}/allocations`, body),
  deleteAllocation: (id: number) => api.del(`${A}/allocations/${id}`),
  databaseHosts: async () => items(await api.get<List<Item<AdminDatabaseHost>>>(`${A}/database-hosts`)),
  createDatabaseHost: (body: DatabaseHostForm) => api.post<Item<AdminDatabaseHost>>(`${A}/database-hosts`, body),
  updateDatabaseHost: (name: string, body: Partial<Omit<DatabaseHostForm, 'name'>>) =>
    request<Item<AdminDatabaseHost>>('PATCH', `${A}/database-hosts/${encodeURIComponent(name)}`, { body }),
  deleteDatabaseHost: (name: string) => api.del(`${A}/database-hosts/${encodeURIComponent(name)}`),
  software: async () => items(await api.get<List<Item<AdminSoftware>>>(`${A}/software`)),
  exportSoftware: (id: string, format: 'cohost' | 'ptdl') => api.get<unknown>(`${A}/software/${encodeURIComponent(id)}`, { format }),
  updateSoftware: (id: string, definition: unknown) => request<Item<AdminSoftware>>('PATCH', `${A}/software/${encodeURIComponent(id)}`, { body: { definition } }),
  deleteSoftware: (id: string) => api.del(`${A}/software/${encodeURIComponent(id)}`),
  importSoftware: (body: { definition: unknown; id?: string; replace?: boolean }) =>
    api.post<Item<{ id: string; name: string; replaced: boolean; dropped: string[] }>>(`${A}/software`, body),
};
