import type { Server } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { DatabaseAccessLookup } from '@bridge/access-db';
import { BridgeGateway } from '@bridge/gateway/gateway';
import { connectAdapterClients } from '@bridge/bus-redis';
import { bridgeTokenKey, createTokenVerifier } from '@bridge/token';
import type { Config } from './config';
import type { AppContext } from './context';
import { recordSocketActivity } from './services/record-socket-activity';

export function gatewayLimits(config: Config) {
  return {
    maxSocketsPerServer: config.WS_MAX_SOCKETS_PER_SERVER, eventsPerWindow: config.WS_EVENTS_PER_WINDOW,
    eventWindowMs: config.WS_EVENT_WINDOW_MS, maxFrameBytes: config.WS_MAX_FRAME_BYTES,
    authTimeoutMs: config.WS_AUTH_TIMEOUT_MS, consoleLines: config.CONSOLE_THROTTLE_LINES,
    consoleWindowMs: config.CONSOLE_THROTTLE_WINDOW_MS,
  };
}

/**
 * Mounts the socket.io gateway on the panel's HTTP server (BRIDGE_EMBEDDED, the default). With REDIS_URL the
 * socket.io Redis adapter joins the instances; the revocation bus itself is chosen in boot.
 */
export async function mountBridge(app: AppContext, http: Server): Promise<() => Promise<void>> {
  const redis = app.config.REDIS_URL
    ? await connectAdapterClients(app.config.REDIS_URL, (err) => app.logger.warn({ err }, 'redis adapter error'))
    : null;
  const lookup = new DatabaseAccessLookup(app.db);
  const gateway = new BridgeGateway({
    server: http,
    verifyToken: createTokenVerifier(bridgeTokenKey(app.secrets.appKey), () => app.clock.now()),
    access: lookup, servers: lookup, bus: app.bus, daemon: app.daemon, limits: gatewayLimits(app.config),
    activity: (entry) => recordSocketActivity(app, entry), logger: app.logger,
    ...(redis ? { adapter: createAdapter(redis.pub, redis.sub) } : {}),
  });
  return async () => {
    await gateway.close();
    await redis?.close();
  };
}
