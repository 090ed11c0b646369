import { mkdirSync } from 'node:fs';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import { serverRoot } from '@bridge/files/local-filesystem';
import { settleBackupWork } from '@server/services/backups/run-backup';
import { HttpClient, type HttpResult } from '../factories/http';
import { makeServer, makeSubuser, makeUser, TEST_PASSWORD } from '../factories/records';
import type { TestPanel } from '../factories/panel';
import type { PanelDaemon } from '../factories/panel-daemons';

/** A signed-in client for a fresh subuser of `server` holding `keys`. */
export async function memberClient(panel: TestPanel, server: ServerRow, keys: string[]): Promise<{ user: UserRow; client: HttpClient }> {
  const user = await makeUser(panel.app.db);
  await makeSubuser(panel.app.db, server, user, keys);
  return { user, client: await signedIn(panel, user) };
}

export async function signedIn(panel: TestPanel, user: UserRow): Promise<HttpClient> {
  const client = new HttpClient(panel.url);
  await client.login(user.email, TEST_PASSWORD);
  await client.get('/api/client');
  return client;
}

/** A fresh server (with its root directory) owned by a fresh user, and the owner's client. */
export async function ownedServer(panel: TestPanel, overrides: Partial<ServerRow> = {}) {
  const owner = await makeUser(panel.app.db);
  const server = await makeServer(panel.app.db, owner, overrides);
  const root = serverRoot(panel.dataDir, server.uuid);
  mkdirSync(root, { recursive: true });
  return { owner, server, root, client: await signedIn(panel, owner) };
}

/** As ownedServer, on one of the PANEL_DAEMONS (for Wings: a server the fake node holds, its root the node's volume). */
export async function ownedServerOn(daemon: PanelDaemon, overrides: Partial<ServerRow> = {}) {
  const owner = await makeUser(daemon.panel.app.db);
  const server = await daemon.server(owner, overrides);
  return { owner, server, root: daemon.root(server), client: await signedIn(daemon.panel, owner) };
}

export const backupsOf = (server: ServerRow) => `/api/client/servers/${server.identifier}/backups`;

/** Creates a backup through the API and waits until the daemon finished it; returns its final attributes. */
export async function backupNow(panel: TestPanel, client: HttpClient, server: ServerRow, body: Record<string, unknown> = {}) {
  const res = await client.post(backupsOf(server), body);
  if (res.status !== 200) throw new Error(`create answered ${res.status}: ${res.text}`);
  await settleBackupWork(panel.app);
  const done: HttpResult = await client.get(`${backupsOf(server)}/${res.body.attributes.uuid as string}`);
  return done.body.attributes as { uuid: string; is_successful: boolean; is_locked: boolean; checksum: string; bytes: number; name: string; ignored_files: string[]; completed_at: string | null };
}

export async function events(panel: TestPanel, server: ServerRow): Promise<Array<{ event: string; properties: Record<string, unknown> }>> {
  const [rows] = await panel.app.pool.query('SELECT event, properties FROM activity_logs WHERE server_id = ? ORDER BY id', [server.id]);
  return (rows as Array<{ event: string; properties: string | Record<string, unknown> }>).map((r) => ({
    event: r.event, properties: typeof r.properties === 'string' ? JSON.parse(r.properties) as Record<string, unknown> : r.properties,
  }));
}
