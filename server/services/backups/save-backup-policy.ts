import { findBackupPolicy, upsertBackupPolicy } from '@db/repositories/backups';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { requireKey } from './backup-access';
import { checkedCron } from './backup-policy-cron';
import type { PolicyView } from './backup-transformer';

export interface PolicyInput {
  readonly cron: string;
  readonly keep: number;
  readonly ignored: string;
  readonly isActive: boolean;
}

/**
 * `backup.schedule` (PUT /backups/policy): validates the cron with croner, computes next_run_at, and records the
 * saver — the policy runs with the saver's permissions at run time — with `server:backup.policy` (old/new).
 */
export async function saveBackupPolicy(app: AppContext, actor: Actor, access: ServerAccess, input: PolicyInput): Promise<PolicyView> {
  requireKey(access, 'backup.schedule');
  const now = app.clock.now();
  const cron = input.cron.trim().replace(/\s+/g, ' ');
  const next = checkedCron(cron, now);
  return app.db.transaction(async (tx) => {
    const old = await findBackupPolicy(tx, access.server.id);
    const nextRunAt = input.isActive ? next : null;
    await upsertBackupPolicy(tx, {
      serverId: access.server.id, updatedBy: actor.user.id, cron, keep: input.keep, ignored: input.ignored,
      isActive: input.isActive, nextRunAt, lastError: null, createdAt: now, updatedAt: now,
    });
    const view = (p: Pick<PolicyView, 'cron' | 'keep' | 'ignored' | 'isActive'>) => ({ cron: p.cron, keep: p.keep, ignored: p.ignored, is_active: p.isActive });
    await logActivity(tx, app.clock, {
      event: 'server:backup.policy', actor, serverId: access.server.id,
      properties: { old: old ? view(old) : null, new: view({ cron, keep: input.keep, ignored: input.ignored, isActive: input.isActive }) },
    });
    return { cron, keep: input.keep, ignored: input.ignored, isActive: input.isActive, nextRunAt, lastRunAt: old?.lastRunAt ?? null, lastError: null };
  });
}
