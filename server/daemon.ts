import type { Daemon } from '@bridge/daemon';
import { localFilesystemFor } from '@bridge/files/local-filesystem';
import { LocalDaemon } from '@bridge/local/local-daemon';
import type { Config } from './config';
import type { Logger } from './logger';
import { fileLimits } from './services/files/file-limits';

/**
 * The daemon for servers on this host: one child process per server under DATA_DIR/servers/<uuid>, whose files are
 * served by a LocalFilesystem jailed to that same directory (trash in DATA_DIR/trash/<uuid>).
 */
export function createLocalDaemon(config: Config, _logger: Logger): Daemon {
  const limits = fileLimits(config);
  return new LocalDaemon({ dataDir: config.DATA_DIR, filesystemFor: (server) => localFilesystemFor(config.DATA_DIR, server.uuid, limits) });
}
