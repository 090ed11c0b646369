import { countNonFailedBackups, listServerBackups } from '@db/repositories/backups';
import type { BackupRow } from '@db/schema/backups';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';
import { backupObject } from './backup-transformer';
import { backupOr404, requireKey } from './backup-access';

/** `backup.read`: one page of the server's backups, newest first, with Pterodactyl's meta (+ `backup_count`). */
export async function listBackups(app: AppContext, access: ServerAccess, page: number, perPage: number) {
  requireKey(access, 'backup.read');
  const { rows, total } = await listServerBackups(app.db, access.server.id, page, perPage);
  const backupCount = await countNonFailedBackups(app.db, access.server.id);
  return {
    object: 'list',
    data: rows.map(backupObject),
    meta: {
      pagination: { total, count: rows.length, per_page: perPage, current_page: page, total_pages: Math.max(1, Math.ceil(total / perPage)), links: {} },
      backup_count: backupCount,
    },
  };
}

/** `backup.read`: one backup of this server. */
export async function getBackup(app: AppContext, access: ServerAccess, uuid: string): Promise<BackupRow> {
  requireKey(access, 'backup.read');
  return backupOr404(app.db, access.server.id, uuid);
}
