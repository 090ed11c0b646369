import type { AdminPermission } from '@contracts/admin-permissions';
import { api, request } from './http';
import type { Item, List } from './types';

/** The admin API (`/api/application`, DESIGN §21) as the admin UI reads it. */
export interface AdminAccess {
  is_admin: boolean;
  permissions: AdminPermission[];
  impersonator: { uuid: string; email: string; username: string | null } | null;
}
export interface AdminUser {
  id: number; uuid: string; username: string | null; email: string; root_admin: boolean; '2fa': boolean;
  suspended: boolean; status: string; require_two_factor: boolean; roles: string[]; created_at: string;
}
export interface AdminRole { id: number; name: string; description: string; permissions: string[]; reserved: boolean; holders?: number }
export interface FeatureLimits { databases: number | null; allocations: number | null; backups: number | null; schedules: number | null; proxies: number | null }
export interface AdminServer {
  id: number; uuid: string; identifier: string; name: string; suspended: boolean; user: number; node: number | null;
  limits: { memory: number; disk: number }; feature_limits: FeatureLimits;
}
export interface NewAdminServer { name: string; user: number; software?: string; startup?: string; description?: string }
export interface AdminSshKey {
  id: number; name: string; fingerprint: string; created_at: string; duplicates: number;
  owner: { id: number; uuid: string; email: string; username: string | null };
}
export interface AuditEntry {
  id: string; event: string; ip: string | null; user_agent: string | null; timestamp: string; is_api: boolean;
  actor: { uuid: string; email: string } | null; impersonator: { uuid: string; email: string } | null; properties: Record<string, unknown>;
}
export interface AdminTask { id: number; kind: string; status: string; attempts: number; last_error: string | null; created_at: string; finished_at: string | null }
export interface CatalogueGroup { group: string; description: string; keys: Array<{ key: string; description: string }> }

const A = '/api/application';
const items = <T>(list: List<Item<T>>) => list.data.map((i) => i.attributes);

export const adminApi = {
  access: async () => (await api.get<Item<AdminAccess>>('/api/client/account/admin')).attributes,
  stopImpersonating: () => api.post('/api/client/account/impersonation/stop'),
  users: async (search: string, filters: Partial<Record<'admin' | 'suspended' | 'deleted', 'true' | 'false' | ''>> = {}) => items(await api.get<List<Item<AdminUser>>>(`${A}/users`, {
    search, per_page: 100, 'filter[admin]': filters.admin, 'filter[suspended]': filters.suspended, 'filter[deleted]': filters.deleted,
  })),
  createUser: (body: { email: string; username: string; password?: string }) =>
    api.post<Item<AdminUser> & { meta: { temporary_password: string | null } }>(`${A}/users`, body),
  suspend: (id: number, on: boolean) => api.post(`${A}/users/${id}/${on ? 'suspend' : 'unsuspend'}`),
  deleteUser: (id: number) => api.del(`${A}/users/${id}`),
  updateUser: (id: number, body: Partial<{ root_admin: boolean; require_two_factor: boolean; email: string; username: string; password: string }>) =>
    request<Item<AdminUser>>('PATCH', `${A}/users/${id}`, { body }),
  setRoles: (id: number, roles: number[]) => api.put(`${A}/users/${id}/roles`, { roles }),
  resetTwoFactor: (id: number) => api.post(`${A}/users/${id}/two-factor/reset`),
  impersonate: (id: number) => api.post(`${A}/users/${id}/impersonate`),
  roles: async () => items(await api.get<List<Item<AdminRole>>>(`${A}/roles`)),
  catalogue: async () => (await api.get<Item<{ groups: CatalogueGroup[] }>>(`${A}/permissions`)).attributes.groups,
  createRole: (body: { name: string; description: string; permissions: string[] }) => api.post(`${A}/roles`, body),
  updateRole: (id: number, body: { name: string; description: string; permissions: string[] }) => request<Item<AdminRole>>('PATCH', `${A}/roles/${id}`, { body }),
  deleteRole: (id: number) => api.del(`${A}/roles/${id}`),
  servers: async (search: string) => items(await api.get<List<Item<AdminServer>>>(`${A}/servers`, { search, per_page: 100 })),
  suspendServer: (id: number, on: boolean) => api.post(`${A}/servers/${id}/${on ? 'suspend' : 'unsuspend'}`),
  createServer: (body: NewAdminServer) => api.post<Item<AdminServer>>(`${A}/servers`, body),
  updateBuild: (id: number, body: { memory: number | null; disk: number | null; feature_limits: FeatureLimits }) =>
    request<Item<AdminServer>>('PATCH', `${A}/servers/${id}/build`, { body }),
  deleteServer: (id: number) => api.del<Item<{ server: string; jobs: number[] }>>(`${A}/servers/${id}`),
  sshKeys: async (search: string) => items(await api.get<List<Item<AdminSshKey>>>(`${A}/ssh-keys`, { search, per_page: 100 })),
  deleteSshKey: (id: number) => api.del(`${A}/ssh-keys/${id}`),
  audit: async (event: string) => items(await api.get<List<Item<AuditEntry>>>(`${A}/audit`, { 'filter[event]': event, per_page: 100 })),
  tasks: async () => items(await api.get<List<Item<AdminTask>>>(`${A}/tasks`, { per_page: 100 })),
};
