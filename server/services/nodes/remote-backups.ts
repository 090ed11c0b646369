import type { Request } from 'express';
import { completeBackup, findBackupByUuid, findServerBackup, findServerById, setServerStatus } from '@db/repositories/backups';
import { lockServer } from '@db/repositories/servers';
import type { NodeRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import { logActivity } from '../activity';
import { daemonServerOf } from '../backups/backup-access';
import { authenticateNode } from './authenticate-node';

/**
 * The backup and its server, only when the server is on the calling node. Pelican's cross-node IDOR (a node
 * reporting on another node's backup) is a 404 here, exactly as an unknown uuid.
 */
async function backupOfNode(app: AppContext, node: NodeRow, uuid: string) {
  const backup = /^[0-9a-f-]{36}$/i.test(uuid) ? await findBackupByUuid(app.db, uuid.toLowerCase()) : null;
  const server = backup ? await findServerById(app.db, backup.serverId) : null;
  if (!backup || !server || server.nodeId !== node.id) throw notFound();
  return { backup, server };
}

/**
 * `POST /api/remote/backups/{uuid} {successful, checksum, checksum_type, size}`: the node reports a backup's end.
 * Recorded once: the panel may already have it from the node's websocket (then this is a no-op).
 */
export async function reportRemoteBackup(app: AppContext, req: Request, uuid: string, body: { successful: boolean; checksum?: string | null | undefined; checksum_type?: string | undefined; size?: number | undefined }) {
  const node = await authenticateNode(app, req);
  const { backup, server } = await backupOfNode(app, node, uuid);
  const recorded = await app.db.transaction(async (tx) => {
    const current = await findServerBackup(tx, server.id, backup.uuid, { lock: true });
    if (!current || current.completedAt) return false;
    const checksum = body.successful && body.checksum ? `${body.checksum_type ?? 'sha1'}:${body.checksum}` : null;
    await completeBackup(tx, current.id, { isSuccessful: body.successful, checksum, bytes: body.successful ? (body.size ?? 0) : 0 }, app.clock.now());
    await logActivity(tx, app.clock, {
      event: body.successful ? 'server:backup.complete' : 'server:backup.fail', actor: null, serverId: server.id,
      properties: { uuid: current.uuid, name: current.name, node: node.uuid, ...(body.successful ? { checksum, bytes: body.size ?? 0 } : {}) },
    });
    return true;
  });
  if (recorded) {
    app.daemon.publish(daemonServerOf(server), {
      type: 'backup completed',
      data: { uuid: backup.uuid, is_successful: body.successful, checksum: body.checksum ?? '', checksum_type: 'sha1', file_size: body.size ?? 0 },
    });
  }
}

/** `POST /api/remote/backups/{uuid}/restore {successful}`: the node reports a restore's end (once). */
export async function reportRemoteRestore(app: AppContext, req: Request, uuid: string, body: { successful: boolean }) {
  const node = await authenticateNode(app, req);
  const { backup, server } = await backupOfNode(app, node, uuid);
  const recorded = await app.db.transaction(async (tx) => {
    const current = await lockServer(tx, server.id);
    if (current?.status !== 'restoring_backup') return false;
    await setServerStatus(tx, server.id, null, app.clock.now(), 'restoring_backup');
    await logActivity(tx, app.clock, {
      event: body.successful ? 'server:backup.restore-complete' : 'server:backup.restore-failed', actor: null, serverId: server.id,
      properties: { uuid: backup.uuid, name: backup.name, node: node.uuid },
    });
    return true;
  });
  if (recorded) app.daemon.publish(daemonServerOf(server), { type: 'backup restore completed', data: { uuid: backup.uuid, is_successful: body.successful } });
}
