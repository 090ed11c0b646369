import type { FileReceiver } from '@bridge/files/receive';
import { beatMigration, findServerById } from '@db/repositories/migrations';
import { serverRunSpec } from '@db/repositories/server-environment';
import type { MigrationRow } from '@db/schema/migration';
import { openSecret } from '../../auth/secret-box';
import type { AppContext } from '../../context';
import { recordMigrationEnd, type MigrationEnd } from './end-migration';
import { describeFailure, MigrationError } from './errors';
import { sftpSourceBody, urlSourceBody, type SourceCredentials } from './inputs';
import { Progress } from './progress';
import { migrateFromSftp } from './sources/sftp-source';
import { migrateFromUrl } from './sources/url-source';

export const CREDENTIALS_PURPOSE = 'migration-credentials';
export const INTERRUPTED = 'The panel stopped while the migration ran; start it again.';
const HEARTBEAT_MS = 2_000;

function credentialsOf(app: AppContext, row: MigrationRow): SourceCredentials {
  if (!row.sealedCredentials) return {};
  const opened = openSecret(app.secrets.appKey, CREDENTIALS_PURPOSE, row.sealedCredentials);
  if (opened === null) throw new MigrationError('The source credentials could not be read (was APP_KEY changed?).');
  return JSON.parse(opened) as SourceCredentials;
}

async function copy(app: AppContext, row: MigrationRow, receiver: FileReceiver, progress: Progress, signal: AbortSignal, onFingerprint: (fp: string) => void): Promise<void> {
  const common = { allowPrivate: app.config.MIGRATION_ALLOW_PRIVATE_HOSTS, connectTimeoutMs: app.config.MIGRATION_CONNECT_TIMEOUT_MS, signal };
  if (row.source === 'url') {
    await migrateFromUrl(urlSourceBody.parse({ source: 'url', ...row.origin }), receiver, progress, common);
    return;
  }
  const input = sftpSourceBody.parse({ source: 'sftp', ...row.origin });
  await migrateFromSftp(input, credentialsOf(app, row), receiver, progress, {
    ...common, onFingerprint,
  });
}

/**
 * Executes one accepted migration in this process (DESIGN §18): copies the source into the server's root through
 * the daemon's receiver, keeps the row's counters and heartbeat fresh (and notices a cancel asked on another
 * instance), reports `migration progress` on the socket, then records the end in one transaction.
 */
export async function runMigration(app: AppContext, row: MigrationRow, signal: AbortSignal): Promise<void> {
  const server = await findServerById(app.db, row.serverId);
  let fingerprint: string | undefined;
  let end: MigrationEnd;
  let receiver: FileReceiver | null = null;
  let progress: Progress | null = null;
  const local = new AbortController();
  const stop = () => local.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  const timer = setInterval(() => {
    if (!progress) return;
    beatMigration(app.db, row.id, { bytes: progress.bytes, files: progress.files, totalBytes: progress.totalBytes, totalFiles: progress.totalFiles }, app.clock.now())
      .then((state) => { if (state?.cancelRequested) local.abort('cancel'); }, (err: unknown) => app.logger.warn({ err }, 'migration heartbeat failed'));
  }, HEARTBEAT_MS);
  timer.unref();
  try {
    if (!server || !app.daemon.receive) throw new MigrationError('The server can no longer receive files.');
    const spec = await serverRunSpec(app.db, server);
    if ((await app.daemon.status(spec)) !== 'offline') throw new MigrationError('The server was started; stop it before migrating files into it.');
    receiver = app.daemon.receive(spec, app.config.MIGRATION_MAX_BYTES);
    const current = receiver;
    progress = new Progress(row.uuid, (p) => current.report(p));
    await copy(app, row, receiver, progress, local.signal, (fp) => { fingerprint = fp; });
    local.signal.throwIfAborted();
    end = { status: 'completed', bytes: progress.bytes, files: progress.files, totalBytes: progress.totalBytes, totalFiles: progress.totalFiles, error: null };
  } catch (err) {
    const counts = progress ? { bytes: progress.bytes, files: progress.files, totalBytes: progress.totalBytes, totalFiles: progress.totalFiles } : {};
    if (local.signal.aborted && local.signal.reason === 'cancel') end = { status: 'cancelled', ...counts, error: null };
    else if (local.signal.aborted) end = { status: 'failed', ...counts, error: INTERRUPTED };
    else {
      const failure = describeFailure(err);
      if (!failure.expected) app.logger.error({ err, migration: row.uuid }, 'migration failed unexpectedly');
      end = { status: 'failed', ...counts, error: failure.message };
    }
  } finally {
    clearInterval(timer);
    progress?.stop();
    signal.removeEventListener('abort', stop);
    await receiver?.close().catch(() => undefined);
  }
  const origin = fingerprint ? { ...row.origin, seen_fingerprint: fingerprint } : undefined;
  if (await recordMigrationEnd(app, row, origin ? { ...end, origin } : end)) {
    receiver?.report({ ...(progress ?? new Progress(row.uuid, () => undefined)).payload(end.status, end.error), bytes: end.bytes ?? 0, files: end.files ?? 0 });
  }
}
