import type { Daemon } from '@bridge/daemon';
import { LocalDaemon } from '@bridge/local/local-daemon';
import type { Config } from './config';
import type { Logger } from './logger';

/** The daemon for servers on this host: one child process per server under DATA_DIR/servers/<uuid>. */
export function createLocalDaemon(config: Config, _logger: Logger): Daemon {
  return new LocalDaemon({ dataDir: config.DATA_DIR });
}
