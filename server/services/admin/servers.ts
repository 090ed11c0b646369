import { findServerById, listAllServers } from '@db/repositories/admin-users';
import { lockServer, updateServerRow } from '@db/repositories/servers';
import type { ServerRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor } from '../../http/types';
import { diff, logAdminAction } from './audit';
import { applicationServerItem, paginated } from './transformers';

export async function listServersForAdmin(app: AppContext, search: string | undefined, page: number, perPage: number) {
  const { rows, total } = await listAllServers(app.db, search, { limit: perPage, offset: (page - 1) * perPage });
  return paginated(rows.map(applicationServerItem), total, page, perPage);
}

export async function findServerForAdmin(app: AppContext, ref: string): Promise<ServerRow> {
  const server = /^\d{1,18}$/.test(ref) ? await findServerById(app.db, Number(ref)) : null;
  if (!server) throw notFound();
  return server;
}

/** Suspends or unsuspends a server: every member's sockets and SFTP sessions are re-judged at once. */
export async function setServerSuspended(app: AppContext, actor: Actor, serverId: number, suspended: boolean): Promise<void> {
  const uuid = await app.db.transaction(async (tx) => {
    const server = await lockServer(tx, serverId);
    if (!server) throw notFound();
    if (server.suspended === suspended) return server.uuid;
    await updateServerRow(tx, server.id, { suspended, updatedAt: app.clock.now() });
    await logAdminAction(tx, app.clock, actor, suspended ? 'server.suspend' : 'server.unsuspend',
      { server: server.uuid, old: { suspended: server.suspended }, new: { suspended } }, server.id);
    return server.uuid;
  });
  await app.bus.publish({ userUuid: '*', serverUuid: uuid });
}

export interface BuildPatch {
  readonly memory?: number | null | undefined;
  readonly disk?: number | null | undefined;
  readonly feature_limits?: {
    readonly databases?: number | null | undefined; readonly allocations?: number | null | undefined;
    readonly backups?: number | null | undefined; readonly schedules?: number | null | undefined; readonly proxies?: number | null | undefined;
  } | undefined;
}

/** Pterodactyl's `PATCH /servers/{id}/build`: resource and feature limits (NULL = unlimited, 0 = disabled). */
export async function updateServerBuild(app: AppContext, actor: Actor, serverId: number, patch: BuildPatch): Promise<ServerRow> {
  return app.db.transaction(async (tx) => {
    const server = await lockServer(tx, serverId);
    if (!server) throw notFound();
    const f = patch.feature_limits ?? {};
    const next: Partial<ServerRow> = {
      ...(patch.memory !== undefined ? { memory: patch.memory } : {}),
      ...(patch.disk !== undefined ? { disk: patch.disk } : {}),
      ...(f.databases !== undefined ? { databaseLimit: f.databases } : {}),
      ...(f.allocations !== undefined ? { allocationLimit: f.allocations } : {}),
      ...(f.backups !== undefined ? { backupLimit: f.backups } : {}),
      ...(f.schedules !== undefined ? { scheduleLimit: f.schedules } : {}),
      ...(f.proxies !== undefined ? { proxyLimit: f.proxies } : {}),
    };
    await updateServerRow(tx, server.id, { ...next, updatedAt: app.clock.now() });
    const pick = (s: Partial<ServerRow>) => ({ memory: s.memory, disk: s.disk, databases: s.databaseLimit, allocations: s.allocationLimit,
      backups: s.backupLimit, schedules: s.scheduleLimit, proxies: s.proxyLimit });
    const change = diff(pick(server), pick({ ...server, ...next }));
    if (change) await logAdminAction(tx, app.clock, actor, 'server.build', { server: server.uuid, ...change }, server.id);
    return { ...server, ...next };
  });
}
