import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import type { HttpClient, HttpResult } from '../factories/http';

/**
 * Revocations driven through the real subuser routes, as the owner (a signed-in HttpClient): the service writes the
 * row and the activity log in one transaction, then publishes on the bus; the tests watch the sockets react. Nothing
 * here touches the database or the bus directly.
 */
function expectStatus(res: HttpResult, status: number, what: string): HttpResult {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 300)}`);
  return res;
}

/** `POST /servers/{server}/users/{user}` with the new permission set. */
export async function setSubuserPermissions(owner: HttpClient, server: ServerRow, user: UserRow, permissions: string[]): Promise<void> {
  const res = await owner.post(`/api/client/servers/${server.uuid}/users/${user.uuid}`, { permissions });
  expectStatus(res, 200, `updating ${user.email}`);
}

/** `DELETE /servers/{server}/users/{user}`. */
export async function removeSubuser(owner: HttpClient, server: ServerRow, user: UserRow): Promise<void> {
  expectStatus(await owner.delete(`/api/client/servers/${server.uuid}/users/${user.uuid}`), 204, `removing ${user.email}`);
}

/** `POST /servers/{server}/leave` by the subuser itself. */
export async function leaveServer(subuser: HttpClient, server: ServerRow): Promise<void> {
  expectStatus(await subuser.post(`/api/client/servers/${server.uuid}/leave`), 204, 'leaving');
}

/** `POST /servers/{server}/settings/transfer-ownership` by the owner. */
export async function transferOwnership(owner: HttpClient, server: ServerRow, to: UserRow): Promise<void> {
  expectStatus(await owner.post(`/api/client/servers/${server.uuid}/settings/transfer-ownership`, { email: to.email }), 204, 'transferring');
}
