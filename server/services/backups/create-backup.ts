import { randomUUID } from 'node:crypto';
import { countNonFailedBackups, deleteBackupRow, insertBackup, oldestRotatableBackup } from '@db/repositories/backups';
import { lockServer } from '@db/repositories/servers';
import type { Tx } from '@db/client';
import type { BackupRow } from '@db/schema/backups';
import type { ServerRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { badRequest, notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { daemonServerOf, defaultBackupName, ignoredLines, requireKey } from './backup-access';
import { launchBackup } from './run-backup';

export interface CreateBackupInput {
  readonly name?: string;
  /** gitignore patterns, one per line; empty → the server's `.pteroignore`. */
  readonly ignored?: string;
  /** Honoured only when the actor also holds `backup.delete` (as Pterodactyl). */
  readonly isLocked?: boolean;
}

/** How an automated policy run differs: rotation instead of refusal, no per-user throttle. */
export interface PolicyRun {
  /** Automated backups to keep (the oldest unlocked successful automated one goes when at it). */
  readonly keep: number;
}

const limitReached = (limit: number) =>
  badRequest(`Cannot create a new backup, this server has reached its limit of ${limit} backups.`, { limit: String(limit) });

/**
 * `backup.create` (POST /backups; the schedules' backup task calls exactly this). Checks the key, the throttle,
 * then — with the server row locked, so parallel creates cannot overshoot — the limit (NULL unlimited, 0 disabled);
 * commits the running row with its `server:backup.start` activity, then lets the daemon write the archive.
 */
export async function createBackup(app: AppContext, actor: Actor, access: ServerAccess, input: CreateBackupInput): Promise<BackupRow> {
  requireKey(access, 'backup.create');
  await app.throttles.hit('backup.create', access.server.id);
  return startBackup(app, actor, access, input, null);
}

/** The shared body of a manual and an automated backup (sweep-backup-policies.ts). */
export async function startBackup(
  app: AppContext, actor: Actor, access: ServerAccess, input: CreateBackupInput, policy: PolicyRun | null,
): Promise<BackupRow> {
  const now = app.clock.now();
  const isLocked = input.isLocked === true && access.permissions.has('backup.delete');
  const rotated: BackupRow[] = [];
  const { server, row } = await app.db.transaction(async (tx) => {
    const server = await lockServer(tx, access.server.id);
    if (!server) throw notFound();
    if (server.backupLimit === 0) throw badRequest('Backups are disabled for this server (its backup limit is 0).', { limit: '0' });
    if (policy) rotated.push(...await rotate(tx, app, server, policy, access.permissions.has('backup.delete')));
    else if (server.backupLimit !== null && await countNonFailedBackups(tx, server.id) >= server.backupLimit) throw limitReached(server.backupLimit);
    const row = await insertBackup(tx, {
      uuid: randomUUID(), serverId: server.id, createdBy: actor.user.id,
      name: input.name?.trim() || (policy ? `Automated ${defaultBackupName(now)}` : defaultBackupName(now)),
      ignoredFiles: ignoredLines(input.ignored), isLocked, automated: policy !== null, createdAt: now, updatedAt: now,
    });
    await logActivity(tx, app.clock, {
      event: 'server:backup.start', actor, serverId: server.id,
      properties: { uuid: row.uuid, name: row.name, ignored_files: row.ignoredFiles, is_locked: isLocked, automated: policy !== null },
    });
    return { server, row };
  });
  for (const r of rotated) await app.daemon.deleteBackup(daemonServerOf(server), r.uuid).catch((err: unknown) => app.logger.warn({ err }, 'rotated backup file not removed'));
  launchBackup(app, server, row);
  return row;
}

/**
 * Makes room for an automated backup: while at `keep` automated backups, or at the server's limit, the oldest
 * unlocked successful automated backup goes; at the limit with none, the oldest unlocked successful backup of any
 * kind goes if the policy's saver holds `backup.delete`. Nothing to rotate → the run is refused.
 */
async function rotate(tx: Tx, app: AppContext, server: ServerRow, policy: PolicyRun, mayDeleteAny: boolean): Promise<BackupRow[]> {
  const out: BackupRow[] = [];
  for (;;) {
    const atKeep = await countNonFailedBackups(tx, server.id, { automatedOnly: true }) >= policy.keep;
    const atLimit = server.backupLimit !== null && await countNonFailedBackups(tx, server.id) >= server.backupLimit;
    if (!atKeep && !atLimit) return out;
    const victim = await oldestRotatableBackup(tx, server.id, { automatedOnly: true })
      ?? (atLimit && mayDeleteAny ? await oldestRotatableBackup(tx, server.id, { automatedOnly: false }) : null);
    if (!victim) {
      if (atLimit) throw limitReached(server.backupLimit ?? 0);
      return out; // at `keep` only with every automated backup locked or running: keep them, add one more.
    }
    await deleteBackupRow(tx, victim.id);
    await logActivity(tx, app.clock, {
      event: 'server:backup.delete', actor: null, serverId: server.id,
      properties: { uuid: victim.uuid, name: victim.name, rotated: true },
    });
    out.push(victim);
  }
}
