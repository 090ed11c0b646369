import { claimDuePolicies, findServerById, markPolicyRun, setPolicyError } from '@db/repositories/backups';
import { findServerWithMembership } from '@db/repositories/servers';
import { findUserById } from '@db/repositories/users';
import type { BackupPolicyRow } from '@db/schema/backups';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { accessFrom, isTransient } from '../server-access';
import { nextRunOf } from './backup-policy-cron';
import { startBackup } from './create-backup';

/** Policies claimed per sweep; the rest wait for the next tick. */
const BATCH = 20;

function nextAfter(cron: string, now: Date): Date | null {
  try {
    return nextRunOf(cron, now);
  } catch {
    return null; // saved crons were validated; one croner no longer accepts stops instead of looping
  }
}

/**
 * The backup-policy sweep (the job runner calls it every tick; contracts.md). Claims due active policies with
 * `SELECT … FOR UPDATE SKIP LOCKED` and moves their next_run_at on in the same transaction — so two panel
 * instances never run one policy twice — then starts each one's backup as its last saver, rotating as configured.
 * A run that cannot start (saver gone or without `backup.schedule`, server busy, limit with nothing to rotate)
 * records `last_error` and waits for its next time. The backups themselves run on after this returns.
 */
export async function sweepBackupPolicies(app: AppContext, now: Date): Promise<void> {
  const claimed = await app.db.transaction(async (tx) => {
    const due = await claimDuePolicies(tx, now, BATCH);
    for (const p of due) await markPolicyRun(tx, p.id, { nextRunAt: nextAfter(p.cron, now), lastRunAt: now, lastError: null });
    return due;
  });
  for (const policy of claimed) {
    try {
      await runPolicy(app, policy);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      app.logger.warn({ err, server: policy.serverId }, 'automated backup not started');
      await setPolicyError(app.db, policy.id, message);
    }
  }
}

async function runPolicy(app: AppContext, policy: BackupPolicyRow): Promise<void> {
  const server = await findServerById(app.db, policy.serverId);
  if (!server) return;
  if (server.suspended || isTransient(server)) throw new Error('The server is suspended or busy (installing, restoring or migrating).');
  const user = policy.updatedBy === null ? null : await findUserById(app.db, policy.updatedBy);
  if (!user || user.status !== 'active' || user.suspended) throw new Error('The user who last saved this policy can no longer act.');
  const membership = await findServerWithMembership(app.db, server.uuid, user.id);
  const access = accessFrom(user, server, membership?.subuser ?? null);
  if (!access || !access.permissions.has('backup.schedule')) {
    throw new Error('The user who last saved this policy no longer holds backup.schedule on this server.');
  }
  const actor: Actor = { user, apiKey: null, ip: '', userAgent: 'cohost-scheduler' };
  await startBackup(app, actor, access, { ignored: policy.ignored }, { keep: policy.keep });
}
