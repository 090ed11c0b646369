import type { Daemon } from '@bridge/daemon';
import { localFilesystemFor } from '@bridge/files/local-filesystem';
import { LocalDaemon } from '@bridge/local/local-daemon';
import { RoutingDaemon } from '@bridge/routing-daemon';
import { WingsDaemon } from '@bridge/wings/wings-daemon';
import type { Executor } from '@db/client';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Secrets } from './secrets';
import { fileLimits } from './services/files/file-limits';
import { databaseNodeDirectory } from './services/nodes/node-directory';

/**
 * The daemon for servers on this host: one child process per server under DATA_DIR/servers/<uuid>, whose files are
 * served by a LocalFilesystem jailed to that same directory (trash in DATA_DIR/trash/<uuid>).
 */
export function createLocalDaemon(config: Config, _logger: Logger): Daemon {
  const limits = fileLimits(config);
  return new LocalDaemon({ dataDir: config.DATA_DIR, filesystemFor: (server) => localFilesystemFor(config.DATA_DIR, server.uuid, limits) });
}

/** The panel's URL as Wings nodes see it (the Origin of the panel's websockets to them, DESIGN §19). */
export const panelUrl = (config: Config): string => config.APP_URL ?? `http://localhost:${config.PORT}`;

/**
 * The panel's daemon (DESIGN §19): servers without a node on the LocalDaemon (or the daemon a host panel plugged
 * in), servers on a Wings node on that node's WingsDaemon.
 */
export function createPanelDaemon(config: Config, secrets: Secrets, db: Executor, logger: Logger, local: Daemon): RoutingDaemon {
  const limits = fileLimits(config);
  return new RoutingDaemon(local, databaseNodeDirectory(db, secrets.appKey), (node) => new WingsDaemon(node, {
    panelUrl: panelUrl(config), maxUploadBytes: limits.maxUploadBytes, maxReadBytes: limits.maxReadBytes,
    onError: (err) => logger.warn({ err: { message: err instanceof Error ? err.message : String(err) }, node: node.name }, 'wings node error'),
  }));
}
