import type { SftpActivitySink } from '@bridge/sftp/types';
import { insertActivity } from '@db/repositories/activity';
import { findServerByRef } from '@db/repositories/servers';
import { findRecentActivity, updateActivityProperties } from '@db/repositories/sftp';
import { findUserByUuid } from '@db/repositories/users';
import type { AppContext } from '../context';

const MERGE_WINDOW_MS = 60_000;
const MAX_FILES_PER_ROW = 500;

/**
 * SFTP activity (DESIGN §9). A client uploading a folder fires hundreds of operations, so `server:sftp.*` events
 * of one user on one server are merged into one row per event and minute: the row's `files` grows instead of new
 * rows appearing. Writes are serialised per (user, server, event) so a burst never splits into duplicate rows, and
 * never block or fail the SFTP operation that caused them (errors are logged).
 */
export function databaseSftpActivity(app: AppContext): SftpActivitySink & { flush(): Promise<void> } {
  const chains = new Map<string, Promise<void>>();
  const enqueue = (key: string, work: () => Promise<void>) => {
    const next = (chains.get(key) ?? Promise.resolve()).then(work).catch((err: unknown) => app.logger.error({ err }, 'sftp activity not recorded'));
    chains.set(key, next);
    void next.finally(() => { if (chains.get(key) === next) chains.delete(key); });
  };
  return {
    authFailed({ username, ip, userUuid, reason }) {
      enqueue(`fail:${ip}:${username}`, async () => {
        const user = userUuid ? await findUserByUuid(app.db, userUuid) : null;
        await insertActivity(app.db, {
          event: 'auth:sftp.fail', actorId: user?.id ?? null, ip, userAgent: null,
          properties: { username, reason }, timestamp: app.clock.now(),
        });
      });
    },
    operation({ event, userUuid, serverUuid, ip, file }) {
      enqueue(`${userUuid}:${serverUuid}:${event}`, async () => {
        const [user, server] = await Promise.all([findUserByUuid(app.db, userUuid), findServerByRef(app.db, serverUuid)]);
        if (!user || !server) return;
        const now = app.clock.now();
        const recent = await findRecentActivity(app.db, { event, actorId: user.id, serverId: server.id, since: new Date(now.getTime() - MERGE_WINDOW_MS) });
        const files = Array.isArray(recent?.properties.files) ? (recent.properties.files as unknown[]) : null;
        if (recent && files && files.length < MAX_FILES_PER_ROW) {
          await updateActivityProperties(app.db, recent.id, { ...recent.properties, files: [...files, file] });
          return;
        }
        await insertActivity(app.db, {
          event, actorId: user.id, serverId: server.id, ip, userAgent: 'sftp', properties: { files: [file] }, timestamp: now,
        });
      });
    },
    async flush() {
      while (chains.size) await Promise.all([...chains.values()]);
    },
  };
}
