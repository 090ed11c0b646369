/**
 * The bridge as its own process, next to a node (DESIGN §2): the same gateway the panel embeds, with its own HTTP
 * server, the shared database for live access, the shared APP_KEY for tokens and (with REDIS_URL) the Redis bus and
 * adapter, so revocations made on any panel instance reach it. Set BRIDGE_URL on the panel to its public URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-adapter';
import pino from 'pino';
import { z } from 'zod';
import { openDatabase } from '@db/client';
import { insertActivity } from '@db/repositories/activity';
import { findServerByRef } from '@db/repositories/servers';
import { findUserByUuid } from '@db/repositories/users';
import { DatabaseAccessLookup } from './access-db';
import { InProcessBus, type RevocationBus } from './bus';
import { connectAdapterClients, RedisBus } from './bus-redis';
import { BridgeGateway, type ActivitySink } from './gateway/gateway';
import { LocalDaemon } from './local/local-daemon';
import { bridgeTokenKey, createTokenVerifier } from './token';

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const standaloneSchema = z.object({
  DATABASE_URL: z.string().regex(/^(mysql|mariadb):\/\/.+\/\w+/, 'must look like mysql://user:pass@host:3306/dbname'),
  APP_KEY: z.string().min(32, 'must be the panel\'s APP_KEY'),
  REDIS_URL: z.string().regex(/^rediss?:\/\/.+/).optional(),
  BRIDGE_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  BRIDGE_HOST: z.string().default('0.0.0.0'),
  /** The panel's origin, allowed to open sockets from the browser (CORS). */
  APP_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WS_MAX_SOCKETS_PER_SERVER: int(30), WS_EVENTS_PER_WINDOW: int(10), WS_EVENT_WINDOW_MS: int(200),
  WS_MAX_FRAME_BYTES: int(32 * 1024), WS_AUTH_TIMEOUT_MS: int(30_000),
  CONSOLE_THROTTLE_LINES: int(2_000), CONSOLE_THROTTLE_WINDOW_MS: int(100),
});

export interface StandaloneBridge { readonly http: Server; readonly port: number; close(): Promise<void> }

export async function startStandaloneBridge(env: NodeJS.ProcessEnv): Promise<StandaloneBridge> {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k in standaloneSchema.shape && v !== ''));
  const c = standaloneSchema.parse(present);
  const logger = pino({ level: c.LOG_LEVEL });
  const db = openDatabase(c.DATABASE_URL);
  const bus: RevocationBus = c.REDIS_URL ? await RedisBus.connect(c.REDIS_URL, (err) => logger.warn({ err }, 'redis bus error')) : new InProcessBus();
  const redis = c.REDIS_URL ? await connectAdapterClients(c.REDIS_URL, (err) => logger.warn({ err }, 'redis adapter error')) : null;
  const daemon = new LocalDaemon({ dataDir: c.DATA_DIR });
  const lookup = new DatabaseAccessLookup(db.db);
  const activity: ActivitySink = async (e) => {
    const [user, server] = await Promise.all([findUserByUuid(db.db, e.userUuid), findServerByRef(db.db, e.serverUuid)]);
    if (!user || !server) return;
    await insertActivity(db.db, {
      event: e.event, actorId: user.id, apiKeyId: null, serverId: server.id, ip: e.ip, userAgent: e.userAgent,
      properties: e.properties, timestamp: new Date(),
    });
  };
  const http = createServer((_req, res) => { res.writeHead(404).end(); });
  const gateway = new BridgeGateway({
    server: http, verifyToken: createTokenVerifier(bridgeTokenKey(c.APP_KEY)), access: lookup, servers: lookup, bus, daemon,
    activity, logger,
    limits: {
      maxSocketsPerServer: c.WS_MAX_SOCKETS_PER_SERVER, eventsPerWindow: c.WS_EVENTS_PER_WINDOW, eventWindowMs: c.WS_EVENT_WINDOW_MS,
      maxFrameBytes: c.WS_MAX_FRAME_BYTES, authTimeoutMs: c.WS_AUTH_TIMEOUT_MS, consoleLines: c.CONSOLE_THROTTLE_LINES,
      consoleWindowMs: c.CONSOLE_THROTTLE_WINDOW_MS,
    },
    ...(redis ? { adapter: createAdapter(redis.pub, redis.sub) } : {}),
    ...(c.APP_URL ? { cors: { origin: new URL(c.APP_URL).origin } } : {}),
  });
  await new Promise<void>((resolve, reject) => { http.once('error', reject); http.listen(c.BRIDGE_PORT, c.BRIDGE_HOST, resolve); });
  const port = (http.address() as AddressInfo).port;
  logger.info({ port }, 'wings bridge listening');
  return {
    http, port,
    close: async () => {
      await gateway.close();
      await new Promise<void>((resolve) => { http.close(() => resolve()); http.closeAllConnections(); });
      await daemon.close();
      await bus.close();
      await redis?.close();
      await db.close();
    },
  };
}
