import { findBackupPolicy } from '@db/repositories/backups';
import type { AppContext } from '../../context';
import type { ServerAccess } from '../../http/types';
import { requireKey } from './backup-access';
import type { PolicyView } from './backup-transformer';

/** A server without a policy shows these (inactive): nightly at 03:00 UTC, keeping seven. */
export const DEFAULT_POLICY: PolicyView = { cron: '0 3 * * *', keep: 7, ignored: '', isActive: false, nextRunAt: null, lastRunAt: null, lastError: null };

/** `backup.schedule`: the server's automated-backup policy. */
export async function getBackupPolicy(app: AppContext, access: ServerAccess): Promise<PolicyView> {
  requireKey(access, 'backup.schedule');
  return (await findBackupPolicy(app.db, access.server.id)) ?? DEFAULT_POLICY;
}
