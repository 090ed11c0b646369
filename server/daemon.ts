import type { Daemon, DaemonServer, ServerState, ServerStats } from '@bridge/daemon';
import { localFilesystemFor } from '@bridge/files/local-filesystem';
import type { Config } from './config';
import type { Logger } from './logger';
import { fileLimits } from './services/files/file-limits';

/**
 * Interim daemon until the LocalDaemon lands (issue: Wings bridge): reports every server offline and refuses power
 * and commands with a clear message. The bridge issue replaces this factory's body with `new LocalDaemon(...)`.
 */
export function createLocalDaemon(_config: Config, _logger: Logger): Daemon {
  const unavailable = () => Promise.reject(new Error('The local daemon is not available in this build.'));
  return {
    power: unavailable,
    command: unavailable,
    logs: async () => [],
    subscribe: () => () => undefined,
    stats: async (_s: DaemonServer): Promise<ServerStats> => ({ state: 'offline', cpuAbsolute: 0, memoryBytes: 0, diskBytes: 0, uptimeMs: 0 }),
    status: (): ServerState => 'offline',
    files: (s: DaemonServer) => localFilesystemFor(_config.DATA_DIR, s.uuid, fileLimits(_config)),
    close: async () => undefined,
  };
}
