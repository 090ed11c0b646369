import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { createProxyServer } from 'http-proxy-3';
import { internalAddress } from '@db/repositories/network-environment';
import type { ProxyLookup } from '@db/repositories/network-proxy';
import { ConfigError, proxyEnabled, type Config } from '../../config';
import type { AppContext } from '../../context';
import { refuseUpgrade, sendRefusal, type ProxyRefusal } from './proxy-pages';
import { andThen, proxyRouteStatus } from './proxy-route-item';
import { forward, UpstreamPools } from './proxy-forward';
import { hostOf, ProxyTable, underPrefix } from './proxy-table';

export interface ReverseProxy {
  readonly port: number;
  readonly tls: boolean;
  close(): Promise<void>;
}

/** The operator's certificates: a default pair and, by SNI, `<domain>.crt`/`.key` from PROXY_TLS_DIR. */
function tlsOptions(config: Config): https.ServerOptions | null {
  if (!config.PROXY_TLS_CERT !== !config.PROXY_TLS_KEY) throw new ConfigError('Invalid configuration: PROXY_TLS_CERT and PROXY_TLS_KEY go together');
  if (!config.PROXY_TLS_CERT || !config.PROXY_TLS_KEY) return null;
  const contexts = new Map<string, SecureContext | null>();
  const dir = config.PROXY_TLS_DIR;
  const forName = (name: string): SecureContext | null => {
    if (!dir || !/^[a-z0-9.-]+$/i.test(name)) return null;
    if (!contexts.has(name)) {
      try {
        const base = path.join(dir, name.toLowerCase());
        contexts.set(name, createSecureContext({ cert: readFileSync(`${base}.crt`), key: readFileSync(`${base}.key`) }));
      } catch {
        contexts.set(name, null);
      }
    }
    return contexts.get(name) ?? null;
  };
  return {
    cert: readFileSync(config.PROXY_TLS_CERT), key: readFileSync(config.PROXY_TLS_KEY),
    SNICallback: (name, cb) => cb(null, forName(name) ?? undefined),
  };
}

/** Why a looked-up route must not be forwarded now, or null to forward it. */
function refusalFor(app: AppContext, found: ProxyLookup | null, url: string | undefined): ProxyRefusal | null | Promise<ProxyRefusal | null> {
  if (!found) return 'unknown_host';
  if (!underPrefix(url, found.route.pathPrefix)) return 'outside_prefix';
  return andThen(proxyRouteStatus(app, found.server), (s) => (s === 'server_suspended' || s === 'server_stopped' ? s : null));
}

/**
 * Cohost's reverse proxy (DESIGN §17) on PROXY_PORT, built on undici (HTTP) and http-proxy-3 (websockets): routes
 * by Host (and path prefix) to the route's allocation, which is always one of its own server's; upgrades websockets
 * when the route allows; stops while the server is suspended or stopped, with a page that says so. Null when the
 * proxy is not enabled.
 */
export async function startReverseProxy(app: AppContext): Promise<ReverseProxy | null> {
  const { config } = app;
  if (!proxyEnabled(config)) return null;
  const tls = tlsOptions(config);
  // HTTP goes through undici's keep-alive pools; websocket upgrades through http-proxy-3 (docs/network.md).
  const pools = new UpstreamPools(60_000);
  const proxy = createProxyServer({ xfwd: true, proxyTimeout: 60_000 });
  const table = new ProxyTable(app);
  const target = (found: ProxyLookup) => ({ host: internalAddress(found.allocation), port: found.allocation.port });

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const host = hostOf(req.headers.host);
    const failed = (err: unknown) => {
      app.logger.error({ err, host }, 'proxy route lookup failed');
      sendRefusal(res, 'unreachable', host);
    };
    try {
      const done = andThen(table.lookup(host), (found) => andThen(refusalFor(app, found, req.url), (refusal) => {
        if (refusal || !found) { sendRefusal(res, refusal ?? 'unknown_host', host); return; }
        const to = target(found);
        forward(pools.get(to.host, to.port), req, res, tls !== null, () => sendRefusal(res, 'unreachable', host));
      }));
      if (done instanceof Promise) done.catch(failed);
    } catch (err) {
      failed(err);
    }
  };
  const upgraded = new Set<Socket>();
  const onUpgrade = (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    const host = hostOf(req.headers.host);
    Promise.resolve(table.lookup(host)).then(async (found) => {
      const refusal = (await refusalFor(app, found, req.url)) ?? (found && !found.route.websocket ? 'websocket_disabled' : null);
      if (refusal || !found) { refuseUpgrade(socket, refusal ?? 'unknown_host'); return; }
      proxy.ws(req, socket, head, { target: target(found) }, () => socket.destroy());
    }, () => socket.destroy());
  };

  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  server.on('upgrade', onUpgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PROXY_PORT, config.PROXY_HOST, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    tls: tls !== null,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of upgraded) s.destroy();
      proxy.close();
      await Promise.all([closed, pools.close()]);
    },
  };
}
