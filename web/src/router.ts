import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useSessionStore } from '@web/stores/useSessionStore';

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@web/pages/LoginPage.vue'), meta: { public: true } },
  { path: '/invite/:token', name: 'invite', component: () => import('@web/pages/InvitePage.vue'), meta: { public: true } },
  { path: '/', name: 'servers', component: () => import('@web/pages/ServerListPage.vue') },
  { path: '/account', name: 'account', component: () => import('@web/pages/AccountPage.vue') },
  {
    path: '/server/:id',
    component: () => import('@web/pages/ServerPage.vue'),
    children: [
      { path: '', name: 'server', component: () => import('@web/pages/ServerHome.vue') },
      { path: 'console', name: 'console', component: () => import('@web/pages/ConsolePage.vue') },
      { path: 'files', name: 'files', component: () => import('@web/pages/FilesPage.vue') },
      { path: 'files/edit', name: 'file-edit', component: () => import('@web/pages/FileEditPage.vue') },
      { path: 'users', name: 'users', component: () => import('@web/pages/UsersPage.vue') },
      { path: 'users/new', name: 'user-new', component: () => import('@web/pages/SubuserFormPage.vue') },
      { path: 'users/:uuid', name: 'user-edit', component: () => import('@web/pages/SubuserFormPage.vue') },
      { path: 'schedules', name: 'schedules', component: () => import('@web/pages/SchedulesPage.vue') },
      { path: 'backups', name: 'backups', component: () => import('@web/pages/BackupsPage.vue') },
      { path: 'databases', name: 'databases', component: () => import('@web/pages/DatabasesPage.vue') },
      { path: 'activity', name: 'activity', component: () => import('@web/pages/ActivityPage.vue') },
      { path: 'startup', name: 'startup', component: () => import('@web/pages/StartupPage.vue') },
      { path: 'settings', name: 'settings', component: () => import('@web/pages/SettingsPage.vue') },
      { path: 'network', name: 'network', component: () => import('@web/pages/NetworkPage.vue') },
      { path: 'migrate', name: 'migrate', component: () => import('@web/pages/MigratePage.vue') },
      { path: 'health', name: 'health', component: () => import('@web/pages/HealthPage.vue') },
    ],
  },
  {
    path: '/admin',
    component: () => import('@web/pages/AdminPage.vue'),
    children: [
      { path: '', name: 'admin', component: { render: () => null } },
      { path: 'users', name: 'admin-users', component: () => import('@web/pages/admin/AdminUsersPage.vue') },
      { path: 'servers', name: 'admin-servers', component: () => import('@web/pages/admin/AdminServersPage.vue') },
      { path: 'nodes', name: 'admin-nodes', component: () => import('@web/pages/admin/AdminNodesPage.vue') },
      { path: 'allocations', name: 'admin-allocations', component: () => import('@web/pages/admin/AdminAllocationsPage.vue') },
      { path: 'database-hosts', name: 'admin-database-hosts', component: () => import('@web/pages/admin/AdminDatabaseHostsPage.vue') },
      { path: 'software', name: 'admin-software', component: () => import('@web/pages/admin/AdminSoftwarePage.vue') },
      { path: 'ssh-keys', name: 'admin-ssh-keys', component: () => import('@web/pages/admin/AdminSshKeysPage.vue') },
      { path: 'roles', name: 'admin-roles', component: () => import('@web/pages/admin/AdminRolesPage.vue') },
      { path: 'tasks', name: 'admin-tasks', component: () => import('@web/pages/admin/AdminTasksPage.vue') },
      { path: 'audit', name: 'admin-audit', component: () => import('@web/pages/admin/AdminAuditPage.vue') },
      { path: 'mail', name: 'admin-mail', component: () => import('@web/pages/admin/MassMailPage.vue') },
    ],
  },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('@web/pages/NotFoundPage.vue'), meta: { public: true } },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    const session = useSessionStore();
    const account = await session.load();
    if (!account) return { name: 'login', query: { redirect: to.fullPath } };
    // An admin requires 2FA of this account and it has none yet: enrolment first (DESIGN §22).
    if (account.two_factor_enrolment_required && to.name !== 'account') return { name: 'account', hash: '#security' };
    return true;
  });
  return router;
}
