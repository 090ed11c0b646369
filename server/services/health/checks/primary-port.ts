import net from 'node:net';
import { findPrimaryAllocation } from '@db/repositories/network-allocations';
import { serverRunSpec } from '@db/repositories/server-environment';
import type { HealthCheck } from './types';

const CONNECT_TIMEOUT_MS = 2_000;

/** Whether something accepts TCP connections at host:port within the timeout. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Primary port: while the server runs, its primary allocation must accept connections (players connect there). A
 * server that is not running is not judged; one without a primary allocation has no address for players at all.
 */
export const primaryPortCheck: HealthCheck = {
  name: 'primary_port',
  async run(app, server) {
    const primary = await findPrimaryAllocation(app.db, server.id);
    if (!primary) {
      return {
        status: 'warn', detail: 'The server has no primary allocation, so players have no address to connect to.',
        recommendation: 'Add an allocation on the Network tab; the first one becomes the primary.',
      };
    }
    const address = `${primary.ipAlias ?? primary.ip}:${primary.port}`;
    const state = app.daemon.status(await serverRunSpec(app.db, server));
    if (state !== 'running') return { status: 'ok', detail: `The primary allocation is ${address}; the server is ${state}, so nothing listens there now.`, recommendation: '' };
    const host = primary.ip === '0.0.0.0' || primary.ip === '::' ? '127.0.0.1' : primary.ip;
    if (await accepts(host, primary.port)) return { status: 'ok', detail: `The server accepts connections on ${address}.`, recommendation: '' };
    return {
      status: 'fail', detail: `The server is running but nothing accepts connections on its primary allocation ${address}.`,
      recommendation: 'Make the game listen on SERVER_IP and SERVER_PORT (its port setting, e.g. server-port in server.properties), then restart it.',
    };
  },
};
