import { insertActivity } from '@db/repositories/activity';
import { endMigration, setServerMigrating } from '@db/repositories/migrations';
import type { MigrationRow } from '@db/schema/migration';
import type { AppContext } from '../../context';

export interface MigrationEnd {
  readonly status: 'completed' | 'failed' | 'cancelled';
  readonly bytes?: number;
  readonly files?: number;
  readonly totalBytes?: number | null;
  readonly totalFiles?: number | null;
  readonly error: string | null;
  /** The origin with what was learnt on the way (the source's host key fingerprint). */
  readonly origin?: Record<string, string | number>;
}

const EVENT = { completed: 'server:migration.complete', failed: 'server:migration.fail', cancelled: null } as const;

/**
 * Ends a migration in one transaction: its final row (credentials erased), the server out of `migrating`, and the
 * activity row (`complete` or `fail`, attributed to whoever started it; a cancel was logged when it was asked for).
 * Returns false when the migration had already ended elsewhere.
 */
export async function recordMigrationEnd(app: AppContext, row: MigrationRow, end: MigrationEnd): Promise<boolean> {
  const now = app.clock.now();
  return app.db.transaction(async (tx) => {
    const ended = await endMigration(tx, row.id, { ...end, at: now });
    if (!ended) return false;
    await setServerMigrating(tx, row.serverId, false, now);
    const event = EVENT[end.status];
    if (event) {
      await insertActivity(tx, {
        event, actorId: row.actorId, apiKeyId: null, serverId: row.serverId, ip: row.actorIp, userAgent: row.actorUserAgent,
        properties: { uuid: row.uuid, source: row.source, bytes: end.bytes ?? row.bytes, files: end.files ?? row.files, ...(end.error ? { error: end.error } : {}) },
        timestamp: now,
      });
    }
    return true;
  });
}
