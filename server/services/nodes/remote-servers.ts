import type { Request } from 'express';
import { setServerStatus } from '@db/repositories/backups';
import { listNodeServers, nodeServersInStatus } from '@db/repositories/nodes';
import { findServerByRef } from '@db/repositories/servers';
import type { NodeRow, ServerRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import { logActivity } from '../activity';
import { authenticateNode } from './authenticate-node';
import { serverConfiguration, serverInstallScript } from './server-configuration';

/** A server of the calling node; a server on another node (or none) is not found — a node sees only its own. */
export async function serverOfNode(app: AppContext, node: NodeRow, uuid: string): Promise<ServerRow> {
  const server = /^[0-9a-f-]{36}$/i.test(uuid) ? await findServerByRef(app.db, uuid.toLowerCase()) : null;
  if (!server || server.nodeId !== node.id) throw notFound();
  return server;
}

/** `GET /api/remote/servers`: the node's servers with their configuration, paged as Laravel does. */
export async function listRemoteServers(app: AppContext, req: Request, q: { page: number; per_page: number }) {
  const node = await authenticateNode(app, req);
  const { rows, total } = await listNodeServers(app.db, node.id, q.page, q.per_page);
  const data = await Promise.all(rows.map(async (s) => ({ uuid: s.uuid, ...(await serverConfiguration(app.db, s)) })));
  const lastPage = Math.max(1, Math.ceil(total / q.per_page));
  const from = rows.length ? (q.page - 1) * q.per_page + 1 : null;
  return { data, meta: { current_page: q.page, from, last_page: lastPage, per_page: q.per_page, to: from === null ? null : from + rows.length - 1, total } };
}

export async function getRemoteServer(app: AppContext, req: Request, uuid: string) {
  const node = await authenticateNode(app, req);
  return serverConfiguration(app.db, await serverOfNode(app, node, uuid));
}

export async function getRemoteInstall(app: AppContext, req: Request, uuid: string) {
  const node = await authenticateNode(app, req);
  return serverInstallScript(app.db, await serverOfNode(app, node, uuid));
}

/** `POST /api/remote/servers/{uuid}/install {successful, reinstall}`: the node reports an install's end. */
export async function reportRemoteInstall(app: AppContext, req: Request, uuid: string, body: { successful: boolean; reinstall: boolean }) {
  const node = await authenticateNode(app, req);
  const server = await serverOfNode(app, node, uuid);
  const status = body.successful ? null : body.reinstall ? 'reinstall_failed' : 'install_failed';
  await app.db.transaction(async (tx) => {
    await setServerStatus(tx, server.id, status, app.clock.now());
    await logActivity(tx, app.clock, {
      event: body.successful ? 'server:install.complete' : 'server:install.fail', actor: null, serverId: server.id,
      properties: { node: node.uuid, reinstall: body.reinstall },
    });
  });
}

/**
 * `POST /api/remote/servers/reset` (a node booted): its servers left installing are marked failed, those left
 * restoring a backup are ready again, as Pterodactyl does.
 */
export async function resetRemoteServers(app: AppContext, req: Request) {
  const node = await authenticateNode(app, req);
  const stuck = await nodeServersInStatus(app.db, node.id, ['installing', 'restoring_backup']);
  for (const server of stuck) {
    await app.db.transaction(async (tx) => {
      await setServerStatus(tx, server.id, server.status === 'installing' ? 'install_failed' : null, app.clock.now(), server.status ?? undefined);
      await logActivity(tx, app.clock, { event: 'server:node.reset', actor: null, serverId: server.id, properties: { node: node.uuid, was: server.status } });
    });
  }
}
