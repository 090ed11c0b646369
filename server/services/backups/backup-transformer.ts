import type { BackupPolicyRow, BackupRow } from '@db/schema/backups';

const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, '+00:00') : null);

/** Pterodactyl's BackupTransformer (`object: "backup"`), plus `is_automated` (extra attributes are fine). */
export function backupObject(row: BackupRow) {
  return {
    object: 'backup',
    attributes: {
      uuid: row.uuid,
      is_successful: row.isSuccessful,
      is_locked: row.isLocked,
      name: row.name,
      ignored_files: row.ignoredFiles,
      checksum: row.checksum,
      bytes: row.bytes,
      created_at: iso(row.createdAt),
      completed_at: iso(row.completedAt),
      is_automated: row.automated,
    },
  };
}

export interface PolicyView {
  readonly cron: string;
  readonly keep: number;
  readonly ignored: string;
  readonly isActive: boolean;
  readonly nextRunAt: Date | null;
  readonly lastRunAt: Date | null;
  readonly lastError: string | null;
}

/** The automated-backup policy (ours: Pterodactyl has none). A server without one shows the inactive defaults. */
export function policyObject(p: PolicyView | BackupPolicyRow) {
  return {
    object: 'backup_policy',
    attributes: {
      cron: p.cron, keep: p.keep, ignored: p.ignored, is_active: p.isActive,
      next_run_at: iso(p.nextRunAt), last_run_at: iso(p.lastRunAt), last_error: p.lastError,
    },
  };
}
