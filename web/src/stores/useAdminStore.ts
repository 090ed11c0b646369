import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AdminPermission } from '@contracts/admin-permissions';
import { adminApi, type AdminAccess } from '@web/api/admin';

/** Admin menu entries: each shows only to holders of its `*.view` key (hiding is a courtesy; the API guards). */
export const ADMIN_MENU: ReadonlyArray<{ name: string; label: string; key: AdminPermission }> = [
  { name: 'admin-users', label: 'Users', key: 'users.view' },
  { name: 'admin-servers', label: 'Servers', key: 'servers.view' },
  { name: 'admin-nodes', label: 'Nodes', key: 'nodes.view' },
  { name: 'admin-allocations', label: 'Allocations', key: 'nodes.view' },
  { name: 'admin-database-hosts', label: 'Database Hosts', key: 'database-hosts.view' },
  { name: 'admin-software', label: 'Software', key: 'software.view' },
  { name: 'admin-ssh-keys', label: 'SSH Keys', key: 'ssh-keys.view' },
  { name: 'admin-roles', label: 'Admin Roles', key: 'roles.view' },
  { name: 'admin-tasks', label: 'Tasks', key: 'tasks.view' },
  { name: 'admin-audit', label: 'Audit Log', key: 'audit.view' },
  { name: 'admin-mail', label: 'Mass Mail', key: 'mail.view' },
];

/** What the signed-in account may do in the admin area, and who is impersonating it. */
export const useAdminStore = defineStore('admin', () => {
  const access = ref<AdminAccess | null>(null);
  async function load(): Promise<AdminAccess> {
    access.value = await adminApi.access();
    return access.value;
  }
  const can = (key: AdminPermission) => access.value?.permissions.includes(key) ?? false;
  const menu = computed(() => ADMIN_MENU.filter((m) => can(m.key)));
  return { access, load, can, menu };
});
