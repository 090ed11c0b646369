import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bootCohost, type BootOptions, type Cohost } from '@server/boot';
import { createTestDatabase, type TestDatabase } from './database';

export interface TestPanel extends Cohost {
  readonly database: TestDatabase;
  readonly dataDir: string;
}

/** A real panel on an ephemeral port, with its own database and data directory. */
export async function startTestPanel(options: { env?: Record<string, string>; clock?: BootOptions['clock']; adapters?: BootOptions['adapters']; routes?: BootOptions['routes']; sweeps?: BootOptions['sweeps']; categories?: BootOptions['categories'] } = {}): Promise<TestPanel> {
  const database = await createTestDatabase({ migrate: false });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cohost-panel-'));
  const cohost = await bootCohost({
    env: {
      DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SFTP_PORT: '0', SFTP_HOST: '127.0.0.1', PROXY_PORT: '0', PROXY_HOST: '127.0.0.1',
      LOG_LEVEL: process.env.COHOST_TEST_LOG ?? 'silent', ...options.env,
    },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.adapters ? { adapters: options.adapters } : {}),
    ...(options.routes ? { routes: options.routes } : {}),
    ...(options.sweeps ? { sweeps: options.sweeps } : {}),
    ...(options.categories ? { categories: options.categories } : {}),
  });
  return {
    ...cohost, database, dataDir,
    close: async () => {
      await cohost.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * One of several panel instances sharing a database and Redis, as behind one load balancer (the caller owns the
 * database, the Redis server and the data directory, and closes the panel).
 */
export function bootSharedPanel(shared: { databaseUrl: string; redisUrl: string; dataDir: string; env?: Record<string, string> }): Promise<Cohost> {
  return bootCohost({
    env: {
      DATABASE_URL: shared.databaseUrl, REDIS_URL: shared.redisUrl, PORT: '0', HOST: '127.0.0.1', DATA_DIR: shared.dataDir,
      SFTP_PORT: '0', SFTP_HOST: '127.0.0.1', APP_KEY: 'k'.repeat(48), SESSION_SECRET: 's'.repeat(48),
      LOG_LEVEL: process.env.COHOST_TEST_LOG ?? 'silent', ...shared.env,
    },
  });
}
