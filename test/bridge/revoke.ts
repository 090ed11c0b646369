import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import type { Cohost } from '@server/boot';

/**
 * What the subuser services do on a change, until their routes are used here: write the row, then publish the
 * revocation after the write (DESIGN §7.6).
 */
export async function setSubuserPermissions(panel: Cohost, server: ServerRow, user: UserRow, permissions: string[]): Promise<void> {
  const keys = [...new Set(['websocket.connect', ...permissions])];
  await panel.app.pool.query('UPDATE subusers SET permissions = ? WHERE server_id = ? AND user_id = ?', [JSON.stringify(keys), server.id, user.id]);
  await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: server.uuid });
}

export async function removeSubuser(panel: Cohost, server: ServerRow, user: UserRow): Promise<void> {
  await panel.app.pool.query('DELETE FROM subusers WHERE server_id = ? AND user_id = ?', [server.id, user.id]);
  await panel.app.bus.publish({ userUuid: user.uuid, serverUuid: server.uuid });
}
