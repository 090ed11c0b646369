import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { bootCohost, jwtIdentity, mountBridge, type Cohost } from '../../server/embed';
import { createHostApp } from './host';
import { HostUsers } from './users';

export interface HostPanel { readonly url: string; readonly users: HostUsers; readonly cohost: Cohost; close(): Promise<void> }

/** Starts the host panel with Cohost mounted in it: everything between the two markers is the Cohost wiring. */
export async function startHostPanel(env: { HOST_DATABASE_URL: string; COHOST_DATABASE_URL: string; JWT_SECRET: string; PORT?: string; DATA_DIR?: string }): Promise<HostPanel> {
  const users = await HostUsers.open(env.HOST_DATABASE_URL);
  const { host } = createHostApp(users, { secret: env.JWT_SECRET, audience: 'cohost' });
  const http: Server = createServer(host);
  await new Promise<void>((r) => http.listen(Number(env.PORT ?? 0), '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  // --- Cohost wiring (begin) ---
  const cohost = await bootCohost({
    env: {
      DATABASE_URL: env.COHOST_DATABASE_URL, PORT: '0', HOST: '127.0.0.1', SFTP_PORT: '0', PROXY_PORT: '0', LOG_LEVEL: 'silent',
      DATA_DIR: env.DATA_DIR ?? './data', BRIDGE_EMBEDDED: 'false', BRIDGE_URL: `${url}/bridge`,
    },
    // The host's users, as its signed JWT names them: linked Cohost accounts, no Cohost password.
    adapters: { identity: jwtIdentity({ keys: { secrets: [env.JWT_SECRET] }, audience: 'cohost' }) },
  });
  host.use('/cohost', cohost.http.listeners('request')[0] as RequestHandler); // the client API under /cohost/api/client
  const closeBridge = await mountBridge(cohost.app, http); // the socket gateway on the host's own server
  host.use('/cohost-ui', express.static(new URL('../../web/lib/dist', import.meta.url).pathname)); // the grid component
  // --- Cohost wiring (end) ---
  return {
    url, users, cohost,
    close: async () => {
      await closeBridge();
      await new Promise<void>((r) => { http.close(() => r()); http.closeAllConnections(); });
      await cohost.close();
      await users.close();
    },
  };
}
