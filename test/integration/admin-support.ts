import { findAdminRoleByName, insertAdminRole, setRolesOfUser } from '@db/repositories/admin-roles';
import type { UserRow } from '@db/schema/users';
import { HttpClient } from '../factories/http';
import type { TestPanel } from '../factories/panel';
import { makeUser, TEST_PASSWORD } from '../factories/records';

/** A staff admin holding the super-admin role, or a fresh role with exactly `permissions`. */
export async function makeAdmin(panel: TestPanel, permissions: string[] | 'super' = 'super'): Promise<UserRow> {
  const user = await makeUser(panel.app.db, { rootAdmin: true });
  const now = new Date();
  const role = permissions === 'super'
    ? await findAdminRoleByName(panel.app.db, 'super-admin')
    : await insertAdminRole(panel.app.db, { name: `r-${user.uuid.slice(0, 12)}`, permissions, createdAt: now, updatedAt: now });
  if (!role) throw new Error('super-admin role missing');
  await setRolesOfUser(panel.app.db, user.id, [role.id], now);
  return user;
}

/** A signed-in browser-like client for `user`. */
export async function signedIn(panel: TestPanel, user: UserRow, agent = 'admin-test'): Promise<HttpClient> {
  const client = new HttpClient(panel.url, undefined, { 'user-agent': agent });
  const res = await client.login(user.email, TEST_PASSWORD);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.text}`);
  await client.get('/api/client');
  return client;
}

export async function auditEvents(panel: TestPanel): Promise<Array<{ event: string; actor_id: number | null; impersonator_id: number | null; properties: unknown }>> {
  const [rows] = await panel.app.pool.query("SELECT event, actor_id, impersonator_id, properties FROM activity_logs WHERE event LIKE 'admin:%' ORDER BY id");
  return rows as never;
}
