import type { Server } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { ensureDatabase, openDatabase, runMigrations, type DatabaseHandle } from '@db/client';
import { startPrivateMariadb, type PrivateMariadb } from '@db/private-mariadb';
import { InProcessBus, type RevocationBus } from '@bridge/bus';
import type { Daemon } from '@bridge/daemon';
import { registerPermissionCategory, type HostCategory } from '@contracts/permissions';
import { RedisBus } from '@bridge/bus-redis';
import { createExpressServer, createHttpApp } from './app';
import type { AnyRoute } from './http/manifest';
import { mountBridge } from './bridge';
import { loadConfig, type Config } from './config';
import { systemClock, type AppContext, type Clock } from './context';
import { createLocalDaemon, createPanelDaemon } from './daemon';
import { relayRevocationsToNodes } from './services/nodes/relay-revocations';
import { startSftp } from './services/sftp-server';
import { recoverInterruptedBackups } from './services/backups/recover-backups';
import { syncBundledSoftware } from './services/startup/bundled';
import { runPendingInstalls } from './services/startup/pending-installs';
import { recoverStuckInstalls } from './services/startup/recover-installs';
import { startReverseProxy } from './services/network/reverse-proxy';
import { announcePasskeys } from './services/passkeys/relying-party';
import { createLogger } from './logger';
import type { IdentityAdapter } from './identity/identity';
import { ServerThrottles } from './http/server-throttles';
import { RedisSharedStore } from './shared/redis-store';
import { InProcessStore, type SharedStore } from './shared/shared-store';
import { createMailer, type Mailer } from './mail/mailer';
import { loggedMailer } from './mail/logged-mailer';
import { resolveSecrets } from './secrets';
import { BackgroundWork } from './jobs/background';
import { startRunner, type Runner } from './jobs/runner';
import type { Sweep } from './jobs/sweep';
import { SWEEPS } from './jobs/sweeps';
import { registerPrivateHost } from './services/databases/register-private-host';
import { RunningMigrations } from './services/migration/running-migrations';
import { startMigrationRecovery } from './services/migration/recover-migrations';

export interface Cohost {
  readonly app: AppContext;
  readonly http: Server;
  readonly port: number;
  readonly url: string;
  /** The bound SFTP port (SFTP_PORT, or an ephemeral one when it is 0). */
  readonly sftpPort: number;
  /** The job runner (null when RUNNER_ENABLED=false). */
  readonly runner: Runner | null;
  /** The bound port of the reverse proxy for proxy routes (PROXY_PORT, ephemeral when 0), or null when disabled. */
  readonly proxyPort: number | null;
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
  readonly adapters?: {
    readonly daemon?: Daemon; readonly mailer?: Mailer; readonly bus?: RevocationBus;
    /** Who is calling, as the host says (trusted header, host JWT, OIDC): linked accounts need no password. */
    readonly identity?: IdentityAdapter;
  };
  /**
   * Permission categories of the host's own (DESIGN §23), registered before anything is built: the catalogue API,
   * the grid, the route guard (declare host routes with `route()` and pass them in `routes`) and `*` know them.
   */
  readonly categories?: Readonly<Record<string, HostCategory>>;
  /** The runner's sweeps (default: SWEEPS); tests add a jobs sweep with handlers of their own. */
  readonly sweeps?: readonly Sweep[];
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
  for (const [name, def] of Object.entries(options.categories ?? {})) registerPermissionCategory(name, def);
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
    const local = given.daemon ?? createLocalDaemon(config, logger);
    const daemon = createPanelDaemon(config, secrets, handle.db, logger, local);
    if (!given.bus) closers.unshift(() => bus.close());
    // A daemon the host panel plugged in is theirs to close; the Wings nodes' sockets are ours.
    closers.unshift(() => (given.daemon ? Promise.all([...daemon.wingsDaemons()].map((d) => d.close())).then(() => undefined) : daemon.close()));
    const clock = options.clock ?? systemClock;
    // Every message lands in the Email Log (DESIGN §21), whichever transport sends it.
    const mailer = loggedMailer(given.mailer ?? createMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, outboxDir: path.join(path.resolve(config.DATA_DIR), 'outbox'), logger }), { db: handle.db, clock, logger });
    const shared: SharedStore = config.REDIS_URL
      ? await RedisSharedStore.connect(config.REDIS_URL, (err) => logger.warn({ err }, 'redis store error'))
      : new InProcessStore();
    closers.unshift(() => shared.close());
    const throttles = new ServerThrottles(clock, shared, config.SERVER_THROTTLES, (err) => logger.warn({ err }, 'throttle store unavailable; request let through'));
    const work = new BackgroundWork();
    const migrations = new RunningMigrations();
    const app: AppContext = { config, secrets, db: handle.db, pool: handle.pool, logger, bus, daemon, mailer, clock, throttles, work, migrations, shared, identity: given.identity ?? null };
    closers.unshift(() => work.stop());
    const stopRelay = relayRevocationsToNodes(app, daemon);
    closers.unshift(async () => stopRelay());
    await syncBundledSoftware(app.db, clock.now());
    // The private MariaDB doubles as the default database host (DESIGN §15), reached through its own admin account.
    // A failure there leaves databases unavailable (the routes then say so), never the panel down.
    if (mariadb) await registerPrivateHost(app, mariadb.url).catch((err: unknown) => logger.error({ err }, 'could not register the private MariaDB as a database host'));
    const stopRecovery = await startMigrationRecovery(app);
    closers.unshift(async () => { stopRecovery(); await migrations.close(); });
    await options.afterMigrate?.(app);
    await recoverInterruptedBackups(app);
    await recoverStuckInstalls(app);
    await runPendingInstalls(app);
    announcePasskeys(app);

    const express = createHttpApp(app, options.routes);
    closers.unshift(async () => (express.locals.sessionStore as { close(): void }).close());
    const http = createExpressServer(express);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(config.PORT, config.HOST, () => resolve());
    });
    closers.unshift(() => new Promise<void>((resolve) => { http.close(() => resolve()); http.closeAllConnections(); }));
    if (config.BRIDGE_EMBEDDED) closers.unshift(await mountBridge(app, http));
    const port = (http.address() as AddressInfo).port;
    const sftp = await startSftp(app);
    closers.unshift(() => sftp.close());
    const runner = config.RUNNER_ENABLED ? startRunner(app, options.sweeps ?? SWEEPS) : null;
    if (runner) closers.unshift(() => runner.stop());
    const proxy = await startReverseProxy(app);
    if (proxy) closers.unshift(() => proxy.close());
    return {
      app, http, port, url: `http://127.0.0.1:${port}`, sftpPort: sftp.port, runner, proxyPort: proxy?.port ?? null,
      close: async () => { for (const c of closers.splice(0)) await c(); },
    };
  } catch (err) {
    for (const c of closers.splice(0)) await c().catch(() => undefined);
    throw err;
  }
}
