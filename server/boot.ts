import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ensureDatabase, openDatabase, runMigrations, type DatabaseHandle } from '@db/client';
import { startPrivateMariadb, type PrivateMariadb } from '@db/private-mariadb';
import { InProcessBus, type RevocationBus } from '@bridge/bus';
import type { Daemon } from '@bridge/daemon';
import { RedisBus } from '@bridge/bus-redis';
import { createHttpApp } from './app';
import type { AnyRoute } from './http/manifest';
import { mountBridge } from './bridge';
import { loadConfig, type Config } from './config';
import { systemClock, type AppContext, type Clock } from './context';
import { createLocalDaemon } from './daemon';
import { startSftp } from './services/sftp-server';
import { createLogger } from './logger';
import { ServerThrottles } from './http/server-throttles';
import { RedisSharedStore } from './shared/redis-store';
import { InProcessStore, type SharedStore } from './shared/shared-store';
import { createMailer, type Mailer } from './mail/mailer';
import { resolveSecrets } from './secrets';

export interface Cohost {
  readonly app: AppContext;
  readonly http: Server;
  readonly port: number;
  readonly url: string;
  /** The bound SFTP port (SFTP_PORT, or an ephemeral one when it is 0). */
  readonly sftpPort: number;
  close(): Promise<void>;
}

export interface BootOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly clock?: Clock;
  /** Called after migrations, before listening (the demo seed). */
  readonly afterMigrate?: (app: AppContext) => Promise<void>;
  /** The routes to serve (default: the manifest); the benchmarks add a bare route beside it. */
  readonly routes?: readonly AnyRoute[];
  /**
   * Adapters a host panel plugs in instead of Cohost's own (docs/embedding.md): its daemon (e.g. a WingsDaemon),
   * its mailer, its revocation bus. Whatever is passed is the host's to close.
   */
  readonly adapters?: { readonly daemon?: Daemon; readonly mailer?: Mailer; readonly bus?: RevocationBus };
}

/** Opens the configured database, or starts the private MariaDB under DATA_DIR/mysql. */
export async function openConfiguredDatabase(config: Config): Promise<{ handle: DatabaseHandle; mariadb: PrivateMariadb | null }> {
  let url = config.DATABASE_URL;
  let mariadb: PrivateMariadb | null = null;
  if (!url) {
    mariadb = await startPrivateMariadb(path.join(path.resolve(config.DATA_DIR), 'mysql'));
    url = mariadb.url;
  }
  await ensureDatabase(url);
  return { handle: openDatabase(url), mariadb };
}

/** The composition root: config → database → migrations → adapters → HTTP. */
export async function bootCohost(options: BootOptions = {}): Promise<Cohost> {
  const config = loadConfig(options.env ?? process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const secrets = resolveSecrets(config);
  const { handle, mariadb } = await openConfiguredDatabase(config);
  const closers: Array<() => Promise<void>> = [];
  closers.push(async () => { await handle.close(); await mariadb?.stop(); });
  try {
    await runMigrations(handle);
    const given = options.adapters ?? {};
    const bus: RevocationBus = given.bus ?? (config.REDIS_URL
      ? await RedisBus.connect(config.REDIS_URL, (err) => logger.warn({ err }, 'redis bus error'))
      : new InProcessBus());
    const daemon = given.daemon ?? createLocalDaemon(config, logger);
    if (!given.bus) closers.unshift(() => bus.close());
    if (!given.daemon) closers.unshift(() => daemon.close());
    const mailer = given.mailer ?? createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: path.join(path.resolve(config.DATA_DIR), 'outbox'), logger });
    const clock = options.clock ?? systemClock;
    const shared: SharedStore = config.REDIS_URL
      ? await RedisSharedStore.connect(config.REDIS_URL, (err) => logger.warn({ err }, 'redis store error'))
      : new InProcessStore();
    closers.unshift(() => shared.close());
    const throttles = new ServerThrottles(clock, shared, config.SERVER_THROTTLES, (err) => logger.warn({ err }, 'throttle store unavailable; request let through'));
    const app: AppContext = { config, secrets, db: handle.db, pool: handle.pool, logger, bus, daemon, mailer, clock, throttles, shared };
    await options.afterMigrate?.(app);

    const express = createHttpApp(app, options.routes);
    closers.unshift(async () => (express.locals.sessionStore as { close(): void }).close());
    const http = createServer(express);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.PORT, config.HOST, () => resolve());
    });
    closers.unshift(() => new Promise<void>((resolve) => { http.close(() => resolve()); http.closeAllConnections(); }));
    if (config.BRIDGE_EMBEDDED) closers.unshift(await mountBridge(app, http));
    const port = (http.address() as AddressInfo).port;
    const sftp = await startSftp(app);
    closers.unshift(() => sftp.close());
    return {
      app, http, port, url: `http://127.0.0.1:${port}`, sftpPort: sftp.port,
      close: async () => { for (const c of closers.splice(0)) await c(); },
    };
  } catch (err) {
    for (const c of closers.splice(0)) await c().catch(() => undefined);
    throw err;
  }
}
