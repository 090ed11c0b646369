import type { Request } from 'express';
import type { Readable } from 'node:stream';
import type { AppContext } from '../../context';
import { badRequest, notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { baseUrl } from '../files/create-file-link';
import { mintFileToken } from '../files/file-tokens';
import { redeemFileLink } from '../files/redeem-file-link';
import { backupOr404, daemonServerOf, requireKey } from './backup-access';

/** Pterodactyl's backup links live 15 minutes. */
export const BACKUP_LINK_TTL_SECONDS = 15 * 60;

/**
 * `backup.download`: a single-use signed URL (the file links' mechanism, scope `backup`, 15 minutes) for a
 * successful backup; logged as `server:backup.download` when issued, as Pterodactyl does.
 */
export async function createBackupDownloadLink(app: AppContext, req: Request, actor: Actor, access: ServerAccess, uuid: string): Promise<string> {
  requireKey(access, 'backup.download');
  const backup = await backupOr404(app.db, access.server.id, uuid);
  if (!backup.isSuccessful) throw badRequest('This backup cannot be downloaded: it has not completed successfully.');
  const token = await mintFileToken(app, {
    scope: 'backup', serverUuid: access.server.uuid, userUuid: actor.user.uuid, path: backup.uuid,
    apiKey: actor.apiKey?.identifier ?? null, ttlSeconds: BACKUP_LINK_TTL_SECONDS,
  });
  await logActivity(app.db, app.clock, { event: 'server:backup.download', actor, serverId: access.server.id, properties: { uuid: backup.uuid, name: backup.name } });
  return `${baseUrl(app, req)}/api/backups/download/${token}`;
}

/** Redeems a backup link once: the user must still hold `backup.download` now, and the backup must still exist. */
export async function openBackupDownload(app: AppContext, req: Request, token: string): Promise<{ stream: Readable; size: number; name: string }> {
  const { claims, access } = await redeemFileLink(app, req, token, 'backup');
  requireKey(access, 'backup.download');
  const backup = await backupOr404(app.db, access.server.id, claims.path);
  if (!backup.isSuccessful) throw notFound();
  const { stream, size } = await app.daemon.openBackup(daemonServerOf(access.server), backup.uuid).catch(() => { throw notFound(); });
  return { stream, size, name: `${backup.uuid}.tar.gz` };
}
