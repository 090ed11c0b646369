import { findServerById, listAllServers } from '@db/repositories/admin-users';
import { lockServer, updateServerRow } from '@db/repositories/servers';
import type { ServerRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { findUserById } from '@db/repositories/users';
import { conflict, notFound, validationError } from '../../http/errors';
import { enqueueJob } from '../../jobs/enqueue';
import { createServer } from '../create-server';
import type { Actor } from '../../http/types';
import { diff, logAdminAction } from './audit';
import { applicationServerItem, paginated } from './transformers';
import { SERVER_CLEANUP_JOB } from './users/server-cleanup-job';

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

export interface NewServerBody {
  readonly name: string;
  /** The owner's user id (Pterodactyl's `user`). */
  readonly user: number;
  /** A software definition id (Pterodactyl's `egg`); without it the generic runner with `startup`. */
  readonly software?: string | undefined;
  readonly startup?: string | undefined;
  readonly description?: string | undefined;
  readonly feature_limits?: BuildPatch['feature_limits'];
}

/** Pterodactyl's `POST /api/application/servers`: the CLI's `server:create`, for an owner given by id, audited. */
export async function createServerAsAdmin(app: AppContext, actor: Actor, body: NewServerBody): Promise<ServerRow> {
  const owner = await findUserById(app.db, body.user);
  if (!owner || owner.status !== 'active') throw validationError('user', `No active account has the id ${body.user}.`, 'exists');
  const created = await app.db.transaction(async (tx) => {
    const server = await createServer(tx, {
      owner: owner.email, name: body.name,
      ...(body.software ? { software: body.software } : {}), ...(body.startup ? { command: body.startup } : {}),
      ...(body.description ? { description: body.description } : {}),
    }, app.clock.now());
    await logAdminAction(tx, app.clock, actor, 'server.create', { server: server.uuid, owner: owner.uuid, new: { name: server.name, software: body.software ?? null } }, server.id);
    return server;
  });
  return body.feature_limits ? updateServerBuild(app, actor, created.id, { feature_limits: body.feature_limits }) : created;
}

/**
 * Pterodactyl's `DELETE /servers/{id}`: suspended at once (members' sockets and SFTP end) and handed to a
 * `server.cleanup` job with `remove`, which stops it, drops its databases on their hosts, releases its allocations,
 * empties its files and backups, then removes the row and everything hanging from it. A server already queued for
 * deletion answers 409.
 */
export async function deleteServerAsAdmin(app: AppContext, actor: Actor, serverId: number): Promise<{ uuid: string; jobs: number[] }> {
  const out = await app.db.transaction(async (tx) => {
    const server = await lockServer(tx, serverId);
    if (!server) throw notFound();
    const now = app.clock.now();
    const job = await enqueueJob(tx, {
      kind: SERVER_CLEANUP_JOB, payload: { serverId: server.id, userId: server.ownerId, remove: true }, dedupeKey: `server-delete:${server.id}`, now,
    });
    if (job === null) throw conflict('This server is already being deleted.');
    if (!server.suspended) await updateServerRow(tx, server.id, { suspended: true, updatedAt: now });
    await logAdminAction(tx, app.clock, actor, 'server.delete', { server: server.uuid, name: server.name, jobs: [job] }, server.id);
    return { uuid: server.uuid, jobs: [job] };
  });
  await app.bus.publish({ userUuid: '*', serverUuid: out.uuid });
  return out;
}
